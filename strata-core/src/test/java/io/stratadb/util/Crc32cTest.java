package io.stratadb.util;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class Crc32cTest {

  @Test
  void knownVector() {
    byte[] data = "123456789".getBytes(US_ASCII);
    assertEquals(0xE3069283, Crc32c.value(data, 0, data.length));
  }

  @Test
  void leveldbVectors() {
    // From LevelDB util/crc32c_test.cc (RFC 3720 section B.4).
    assertEquals(0x8a9136aa, Crc32c.value(new byte[32], 0, 32));
    byte[] ones = new byte[32];
    java.util.Arrays.fill(ones, (byte) 0xff);
    assertEquals(0x62a8ab43, Crc32c.value(ones, 0, 32));
    byte[] ascending = new byte[32];
    for (int i = 0; i < 32; i++) {
      ascending[i] = (byte) i;
    }
    assertEquals(0x46dd794e, Crc32c.value(ascending, 0, 32));
  }

  @Test
  void rangeIsRespected() {
    byte[] data = "xx123456789yy".getBytes(US_ASCII);
    assertEquals(0xE3069283, Crc32c.value(data, 2, 9));
  }

  @Test
  void typeBytePrefixEqualsCrcOfConcatenation() {
    byte[] payload = "hello".getBytes(US_ASCII);
    byte[] joined = "\u0001hello".getBytes(US_ASCII);
    assertEquals(Crc32c.value(joined, 0, joined.length), Crc32c.value((byte) 1, payload, 0, payload.length));
    assertNotEquals(Crc32c.value((byte) 2, payload, 0, 5), Crc32c.value((byte) 1, payload, 0, 5));
  }

  @Test
  void maskRoundTripsAndChangesTheValue() {
    Random random = new Random(1);
    int[] samples = {0, 1, -1, 0xE3069283, Integer.MIN_VALUE, Integer.MAX_VALUE};
    for (int crc : samples) {
      assertEquals(crc, Crc32c.unmask(Crc32c.mask(crc)));
      assertNotEquals(crc, Crc32c.mask(crc));
    }
    for (int i = 0; i < 10_000; i++) {
      int crc = random.nextInt();
      assertEquals(crc, Crc32c.unmask(Crc32c.mask(crc)));
    }
    assertNotEquals(Crc32c.mask(Crc32c.mask(5)), Crc32c.mask(5));
  }

  @Test
  void maskMatchesLevelDbDefinition() {
    int crc = 0xE3069283;
    int expected = ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
    assertEquals(expected, Crc32c.mask(crc));
  }
}
