package io.stratadb.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;

class ByteSourceTest {

  @Test
  void readsPastTheLimitThrow() {
    ByteSource empty = new ByteSource(new byte[0]);
    assertThrows(IndexOutOfBoundsException.class, empty::get);
    assertThrows(IndexOutOfBoundsException.class, () -> new ByteSource(new byte[3]).getFixed32());
    assertThrows(IndexOutOfBoundsException.class, () -> new ByteSource(new byte[7]).getFixed64());
    assertThrows(IndexOutOfBoundsException.class, () -> new ByteSource(new byte[2]).getBytes(3));
    assertThrows(IndexOutOfBoundsException.class, () -> new ByteSource(new byte[2]).getBytes(-1));
  }

  @Test
  void limitIsRespectedEvenWhenTheArrayIsLonger() {
    byte[] buf = {1, 2, 3, 4, 5, 6, 7, 8};
    ByteSource src = new ByteSource(buf, 2, 5);
    assertEquals(3, src.remaining());
    assertEquals(3, src.get());
    assertEquals(3, src.position());
    assertThrows(IndexOutOfBoundsException.class, src::getFixed32);
  }

  @Test
  void truncatedVarintThrows() {
    ByteSource src = new ByteSource(new byte[] {(byte) 0x80, (byte) 0x80});
    assertThrows(IndexOutOfBoundsException.class, src::getVarint64);
  }

  @Test
  void varintLongerThanTenBytesThrows() {
    byte[] eleven = new byte[11];
    java.util.Arrays.fill(eleven, (byte) 0x80);
    eleven[10] = 0;
    assertThrows(IndexOutOfBoundsException.class, () -> new ByteSource(eleven).getVarint64());
  }

  @Test
  void varint32RejectsValuesOutsideNonNegativeInt() {
    byte[] big = new ByteSink(0).putVarint64(1L + Integer.MAX_VALUE).toByteArray();
    assertThrows(IndexOutOfBoundsException.class, () -> new ByteSource(big).getVarint32());
    byte[] negative = new ByteSink(0).putVarint64(-1).toByteArray();
    assertThrows(IndexOutOfBoundsException.class, () -> new ByteSource(negative).getVarint32());
    byte[] max = new ByteSink(0).putVarint64(Integer.MAX_VALUE).toByteArray();
    assertEquals(Integer.MAX_VALUE, new ByteSource(max).getVarint32());
  }

  @Test
  void lengthPrefixLongerThanTheDataThrows() {
    byte[] data = new ByteSink(0).putVarint64(10).put(new byte[3]).toByteArray();
    assertThrows(IndexOutOfBoundsException.class, () -> new ByteSource(data).getLengthPrefixed());
  }

  /** Regression: the bounds check computed pos + n in int and overflowed (OutOfMemoryError). */
  @Test
  void hugeLengthPrefixAfterTheStartThrowsIndexOutOfBounds() {
    // one byte, then a varint length of Integer.MAX_VALUE, then nothing
    byte[] data = new ByteSink(0).put(1).putVarint64(Integer.MAX_VALUE).toByteArray();
    ByteSource src = new ByteSource(data);
    src.get();
    try {
      src.getLengthPrefixed();
      fail("read " + Integer.MAX_VALUE + " bytes out of " + data.length);
    } catch (IndexOutOfBoundsException expected) {
      // the documented behaviour
    } catch (OutOfMemoryError e) {
      fail("bounds check overflowed and the allocation failed instead: " + e);
    }
  }
}
