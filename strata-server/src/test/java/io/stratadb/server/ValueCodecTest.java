package io.stratadb.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.server.ValueCodec.StoredValue;
import org.junit.jupiter.api.Test;

class ValueCodecTest {

  @Test
  void plainValueHasOneHeaderByte() {
    byte[] stored = ValueCodec.encode(new byte[] {7, 8}, ValueCodec.NO_EXPIRY);
    assertArrayEquals(new byte[] {0x00, 7, 8}, stored);
    StoredValue v = ValueCodec.decode(stored);
    assertArrayEquals(new byte[] {7, 8}, v.value());
    assertEquals(ValueCodec.NO_EXPIRY, v.expireAtMillis());
    assertFalse(v.isExpiredAt(Long.MAX_VALUE));
  }

  @Test
  void expiringValueCarriesBigEndianMillis() {
    byte[] stored = ValueCodec.encode(new byte[] {9}, 0x0102030405060708L);
    assertArrayEquals(new byte[] {0x01, 1, 2, 3, 4, 5, 6, 7, 8, 9}, stored);
    assertEquals(0x0102030405060708L, ValueCodec.expireAtMillis(stored));
    assertEquals(1, ValueCodec.valueLength(stored));
    StoredValue v = ValueCodec.decode(stored);
    assertFalse(v.isExpiredAt(0x0102030405060707L));
    assertTrue(v.isExpiredAt(0x0102030405060708L));
  }

  @Test
  void emptyValuesRoundTrip() {
    assertArrayEquals(new byte[0], ValueCodec.decode(ValueCodec.encode(new byte[0], 5)).value());
    assertArrayEquals(new byte[0], ValueCodec.decode(ValueCodec.encode(new byte[0], 0)).value());
  }

  @Test
  void foreignValuesAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> ValueCodec.decode(new byte[0]));
    assertThrows(IllegalArgumentException.class, () -> ValueCodec.decode("hello".getBytes()));
    assertThrows(IllegalArgumentException.class, () -> ValueCodec.decode(new byte[] {0x01, 0, 0}));
    assertThrows(IllegalArgumentException.class, () -> ValueCodec.encode(new byte[0], -1));
  }
}
