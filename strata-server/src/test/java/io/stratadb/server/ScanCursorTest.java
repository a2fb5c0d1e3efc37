package io.stratadb.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ScanCursorTest {

  @Test
  void zeroStarts() {
    assertNull(ScanCursor.lastKey("0".getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void everyKeyRoundTripsThroughADecimalCursor() {
    byte[][] keys = {new byte[0], {0}, {0, 0, 1}, "0".getBytes(), {(byte) 0xFF, (byte) 0x80}, "user:42".getBytes()};
    for (byte[] key : keys) {
      String cursor = ScanCursor.after(key);
      assertNotEquals(ScanCursor.START, cursor);
      assertEquals(true, cursor.chars().allMatch(Character::isDigit), cursor);
      assertArrayEquals(key, ScanCursor.lastKey(cursor.getBytes(StandardCharsets.US_ASCII)));
    }
  }

  @Test
  void foreignCursorsAreInvalid() {
    for (String bad : new String[] {"", "-1", "abc", "007", "2", "12 3"}) {
      RedisError e = assertThrows(RedisError.class, () -> ScanCursor.lastKey(bad.getBytes(StandardCharsets.US_ASCII)));
      assertEquals("ERR invalid cursor", e.getMessage());
    }
  }
}
