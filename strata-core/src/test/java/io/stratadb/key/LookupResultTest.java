package io.stratadb.key;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LookupResultTest {

  private static final byte[] KEY = "k".getBytes(UTF_8);

  @Test
  void putEntryOfTheKeyIsFound() {
    LookupResult r = LookupResult.fromEntry(KEY, InternalKey.encode(KEY, 3, ValueType.PUT), new byte[] {9});
    assertTrue(r.isDecided());
    assertArrayEquals(new byte[] {9}, r.value());
    assertEquals(3, r.sequence());
  }

  @Test
  void emptyValueIsStillAValue() {
    LookupResult r = LookupResult.fromEntry(KEY, InternalKey.encode(KEY, 3, ValueType.PUT), new byte[0]);
    assertTrue(r.isDecided());
    assertArrayEquals(new byte[0], r.value());
  }

  @Test
  void tombstoneIsDecidedWithoutValue() {
    LookupResult r = LookupResult.fromEntry(KEY, InternalKey.encode(KEY, 3, ValueType.DELETE), new byte[0]);
    assertTrue(r.isDeleted());
    assertTrue(r.isDecided());
    assertNull(r.value());
    assertEquals(3, r.sequence());
  }

  @Test
  void otherKeyOrNoEntryIsAbsent() {
    assertSame(LookupResult.ABSENT, LookupResult.fromEntry(KEY, null, null));
    assertSame(LookupResult.ABSENT,
        LookupResult.fromEntry(KEY, InternalKey.encode("kk".getBytes(UTF_8), 3, ValueType.PUT), new byte[1]));
    assertFalse(LookupResult.ABSENT.isDecided());
  }
}
