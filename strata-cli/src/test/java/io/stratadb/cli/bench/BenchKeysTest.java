package io.stratadb.cli.bench;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BenchKeysTest {

  @Test
  void zeroPaddedToTheWidth() {
    assertEquals("0000000000000042", new String(BenchKeys.key(42, 16), US_ASCII));
    assertEquals("0000000000000000", new String(BenchKeys.key(0, 16), US_ASCII));
    assertEquals("999999", new String(BenchKeys.key(999_999, 6), US_ASCII));
    assertEquals("1234567", new String(BenchKeys.key(1_234_567, 3), US_ASCII));
    assertEquals(String.format("%019d", Long.MAX_VALUE), new String(BenchKeys.key(Long.MAX_VALUE, 19), US_ASCII));
    assertThrows(IllegalArgumentException.class, () -> BenchKeys.key(-1, 16));
  }

  @Test
  void digits() {
    assertEquals(1, BenchKeys.digits(0));
    assertEquals(1, BenchKeys.digits(9));
    assertEquals(2, BenchKeys.digits(10));
    assertEquals(7, BenchKeys.digits(1_000_000));
    assertEquals(19, BenchKeys.digits(Long.MAX_VALUE));
  }
}
