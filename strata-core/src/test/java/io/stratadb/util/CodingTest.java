package io.stratadb.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CodingTest {

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 127, 128, 255, 300, 16383, 16384, Integer.MAX_VALUE, 1L << 32,
      Long.MAX_VALUE, -1, Long.MIN_VALUE, -128})
  void varintRoundTripsAndUsesTheAdvertisedLength(long v) {
    ByteSink sink = new ByteSink(0);
    sink.putVarint64(v);
    assertEquals(Coding.varintLength(v), sink.size());
    ByteSource src = new ByteSource(sink.toByteArray());
    assertEquals(v, src.getVarint64());
    assertFalse(src.hasRemaining());
  }

  @Test
  void varintEncodingIsLeb128() {
    assertArrayEquals(new byte[] {0}, new ByteSink(1).putVarint64(0).toByteArray());
    assertArrayEquals(new byte[] {0x7f}, new ByteSink(1).putVarint64(127).toByteArray());
    assertArrayEquals(new byte[] {(byte) 0x80, 0x01}, new ByteSink(1).putVarint64(128).toByteArray());
    assertArrayEquals(new byte[] {(byte) 0xac, 0x02}, new ByteSink(1).putVarint64(300).toByteArray());
  }

  @Test
  void varintLengthBoundaries() {
    assertEquals(1, Coding.varintLength(0));
    assertEquals(1, Coding.varintLength(127));
    assertEquals(2, Coding.varintLength(128));
    assertEquals(9, Coding.varintLength(Long.MAX_VALUE));
    assertEquals(10, Coding.varintLength(-1));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 127, 128, 0x12345678, Integer.MAX_VALUE, Integer.MIN_VALUE, -1})
  void fixed32RoundTripsLittleEndian(int v) {
    byte[] buf = new byte[6];
    Coding.putFixed32(buf, 1, v);
    assertEquals(v, Coding.getFixed32(buf, 1));
    assertEquals(0, buf[0]);
    assertEquals(0, buf[5]);
    assertEquals((byte) v, buf[1]);
    assertEquals((byte) (v >>> 24), buf[4]);
  }

  @Test
  void fixedReadsAreLittleEndianAtAnyOffsetAndBoundsChecked() {
    byte[] buf = {0, 1, 2, 3, 4, 5, 6, 7, 8, (byte) 0xff};
    assertEquals(0x04030201, Coding.getFixed32(buf, 1));
    assertEquals(0xff080706, Coding.getFixed32(buf, 6));
    assertEquals(0x0807060504030201L, Coding.getFixed64(buf, 1));
    assertEquals(0xff08070605040302L, Coding.getFixed64(buf, 2));
    assertThrows(IndexOutOfBoundsException.class, () -> Coding.getFixed32(buf, 7));
    assertThrows(IndexOutOfBoundsException.class, () -> Coding.getFixed64(buf, 3));
    assertThrows(IndexOutOfBoundsException.class, () -> Coding.getFixed32(buf, -1));
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 127, 128, 0x0123456789abcdefL, Long.MAX_VALUE, Long.MIN_VALUE, -1})
  void fixed64RoundTripsLittleEndian(long v) {
    byte[] buf = new byte[8];
    Coding.putFixed64(buf, 0, v);
    assertEquals(v, Coding.getFixed64(buf, 0));
    assertEquals((byte) v, buf[0]);
    assertEquals((byte) (v >>> 56), buf[7]);
  }

  @Test
  void sinkAndSourceAgreeOnMixedFields() {
    byte[] blob = {1, 2, 3, (byte) 0xff};
    ByteSink sink = new ByteSink(0)
        .put(7).putFixed32(-5).putFixed64(Long.MIN_VALUE).putVarint64(1L << 40)
        .putLengthPrefixed(blob).putLengthPrefixed(new byte[0]).put(blob, 1, 2);
    ByteSource src = new ByteSource(sink.toByteArray());
    assertEquals(7, src.get());
    assertEquals(-5, src.getFixed32());
    assertEquals(Long.MIN_VALUE, src.getFixed64());
    assertEquals(1L << 40, src.getVarint64());
    assertArrayEquals(blob, src.getLengthPrefixed());
    assertArrayEquals(new byte[0], src.getLengthPrefixed());
    assertArrayEquals(new byte[] {2, 3}, src.getBytes(2));
    assertFalse(src.hasRemaining());
  }

  @Test
  void sinkGrowsAndResets() {
    ByteSink sink = new ByteSink(1);
    for (int i = 0; i < 1000; i++) {
      sink.putFixed32(i);
    }
    assertEquals(4000, sink.size());
    assertEquals(999, Coding.getFixed32(sink.array(), 3996));
    sink.reset();
    assertEquals(0, sink.size());
    assertEquals(0, sink.toByteArray().length);
  }
}
