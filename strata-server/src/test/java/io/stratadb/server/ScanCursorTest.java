package io.stratadb.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ScanCursorTest {
  private final ScanCursor cursors = new ScanCursor();

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void zeroStarts() {
    assertNull(cursors.lastKey(ascii("0")));
  }

  @Test
  void shortKeysRoundTripThroughStatelessCursorsThatOutliveTheServer() {
    byte[][] keys = {new byte[0], {0}, {0, 0, 1}, ascii("0"), {(byte) 0xFF, (byte) 0x80}, ascii("user:42"),
        {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}};
    ScanCursor afterRestart = new ScanCursor();
    for (byte[] key : keys) {
      String cursor = cursors.after(key);
      assertNotEquals(ScanCursor.START, cursor);
      assertTrue(cursor.chars().allMatch(Character::isDigit), cursor);
      Long.parseUnsignedLong(cursor); // fits redis-cli's strtoull
      assertArrayEquals(key, cursors.lastKey(ascii(cursor)));
      assertArrayEquals(key, afterRestart.lastKey(ascii(cursor)), "stateless");
    }
  }

  @Test
  void longKeysGetRememberedCursorsThatFitSixtyFourBits() {
    byte[] key = ascii("user:0000000042:profile");
    String cursor = cursors.after(key);
    long number = Long.parseUnsignedLong(cursor); // fits redis-cli's strtoull
    assertTrue(number >= 1L << 60 && number < 1L << 61, cursor);
    assertArrayEquals(key, cursors.lastKey(ascii(cursor)));
    assertArrayEquals(key, cursors.lastKey(ascii(cursor)), "still valid on its second use");
    key[0] = 'X';
    assertArrayEquals(ascii("user:0000000042:profile"), cursors.lastKey(ascii(cursor)), "the key was copied");
    String other = cursors.after(ascii("user:0000000043:profile"));
    assertNotEquals(cursor, other);
    RedisError e = assertThrows(RedisError.class, () -> new ScanCursor().lastKey(ascii(cursor)));
    assertEquals("ERR invalid cursor", e.getMessage(), "a restarted server does not know it");
  }

  @Test
  void cursorsBeyondSixtyFourBitsAreInvalidAsInRedis() {
    // 2^64 once decoded as the marker byte and eight zero bytes, resuming the scan near its start.
    byte[] key = ascii("a key longer than seven bytes");
    byte[] marked = new byte[key.length + 1];
    marked[0] = 0x01;
    System.arraycopy(key, 0, marked, 1, key.length);
    for (String bad : new String[] {"18446744073709551616", new BigInteger(1, marked).toString(), "9".repeat(40)}) {
      RedisError e = assertThrows(RedisError.class, () -> cursors.lastKey(ascii(bad)), bad);
      assertEquals("ERR invalid cursor", e.getMessage());
    }
  }

  @Test
  void foreignCursorsAreInvalid() {
    String unknownRemembered = Long.toString((1L << 60) + 12345);
    String twoToTheSixtyOne = Long.toString(1L << 61);
    for (String bad : new String[] {"", "-1", "abc", "007", "2", "12 3", unknownRemembered, twoToTheSixtyOne,
        "18446744073709551615"}) {
      RedisError e = assertThrows(RedisError.class, () -> cursors.lastKey(ascii(bad)), bad);
      assertEquals("ERR invalid cursor", e.getMessage());
    }
  }
}
