package io.stratadb.key;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InternalKeyTest {

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  @Test
  void encodeDecodesBackToItsParts() {
    byte[] ikey = InternalKey.encode(b("user"), 12345, ValueType.PUT);
    assertEquals(4 + InternalKey.TRAILER_BYTES, ikey.length);
    assertArrayEquals(b("user"), InternalKey.userKey(ikey));
    assertEquals(4, InternalKey.userKeyLength(ikey));
    assertEquals(12345, InternalKey.sequence(ikey));
    assertEquals(ValueType.PUT, InternalKey.type(ikey));
    assertEquals((12345L << 8) | 1, InternalKey.trailer(ikey));
  }

  @Test
  void maxSequenceAndEmptyUserKeyRoundTrip() {
    byte[] ikey = InternalKey.encode(new byte[0], InternalKey.MAX_SEQUENCE, ValueType.DELETE);
    assertEquals(0, InternalKey.userKey(ikey).length);
    assertEquals(InternalKey.MAX_SEQUENCE, InternalKey.sequence(ikey));
    assertEquals(ValueType.DELETE, InternalKey.type(ikey));
  }

  @Test
  void userKeysCompareUnsigned() {
    byte[] low = InternalKey.encode(new byte[] {0x01}, 1, ValueType.PUT);
    byte[] high = InternalKey.encode(new byte[] {(byte) 0xff}, 1, ValueType.PUT);
    assertTrue(InternalKey.compare(low, high) < 0);
    assertTrue(InternalKey.compare(high, low) > 0);
    assertTrue(InternalKey.compareUserKey(high, new byte[] {0x01}) > 0);
  }

  @Test
  void prefixSortsBeforeLongerKey() {
    byte[] a = InternalKey.encode(b("a"), 1, ValueType.PUT);
    byte[] ab = InternalKey.encode(b("ab"), 100, ValueType.PUT);
    assertTrue(InternalKey.compare(a, ab) < 0);
    byte[] empty = InternalKey.encode(new byte[0], 1, ValueType.PUT);
    assertTrue(InternalKey.compare(empty, a) < 0);
  }

  @Test
  void sameUserKeySortsNewestSequenceFirst() {
    byte[] older = InternalKey.encode(b("k"), 5, ValueType.PUT);
    byte[] newer = InternalKey.encode(b("k"), 6, ValueType.PUT);
    assertTrue(InternalKey.compare(newer, older) < 0);
    byte[] huge = InternalKey.encode(b("k"), InternalKey.MAX_SEQUENCE, ValueType.PUT);
    assertTrue(InternalKey.compare(huge, newer) < 0, "trailer must compare unsigned");
  }

  @Test
  void putSortsBeforeDeleteAtEqualSequence() {
    byte[] put = InternalKey.encode(b("k"), 7, ValueType.PUT);
    byte[] del = InternalKey.encode(b("k"), 7, ValueType.DELETE);
    assertTrue(InternalKey.compare(put, del) < 0);
    assertEquals(0, InternalKey.compare(put, put.clone()));
  }

  @Test
  void sortingShuffledKeysGivesTheDocumentedOrder() {
    List<byte[]> expected = new ArrayList<>();
    for (String user : new String[] {"", "a", "a\u0000", "b"}) {
      for (long seq = 9; seq >= 1; seq--) {
        expected.add(InternalKey.encode(b(user), seq, ValueType.PUT));
        expected.add(InternalKey.encode(b(user), seq, ValueType.DELETE));
      }
    }
    expected.add(InternalKey.encode(new byte[] {(byte) 0x80}, 1, ValueType.PUT));
    List<byte[]> shuffled = new ArrayList<>(expected);
    Collections.shuffle(shuffled, new Random(42));
    shuffled.sort(InternalKey::compare);
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), shuffled.get(i), "position " + i);
    }
  }

  @Test
  void forSeekSortsBeforeEveryVersionAtOrBelowItsSequence() {
    byte[] seek = InternalKey.forSeek(b("k"), 10);
    assertTrue(InternalKey.compare(seek, InternalKey.encode(b("k"), 10, ValueType.PUT)) <= 0);
    assertTrue(InternalKey.compare(seek, InternalKey.encode(b("k"), 10, ValueType.DELETE)) < 0);
    assertTrue(InternalKey.compare(seek, InternalKey.encode(b("k"), 9, ValueType.PUT)) < 0);
    assertTrue(InternalKey.compare(seek, InternalKey.encode(b("k"), 11, ValueType.DELETE)) > 0);
    assertTrue(InternalKey.compare(seek, InternalKey.encode(b("j"), 1, ValueType.PUT)) > 0);
  }

  @Test
  void forSeekFindsTheNewestVersionAtOrBelowTheSequence() {
    List<byte[]> keys = new ArrayList<>();
    for (long seq : new long[] {3, 8, 12, 20}) {
      keys.add(InternalKey.encode(b("k"), seq, seq == 12 ? ValueType.DELETE : ValueType.PUT));
    }
    keys.add(InternalKey.encode(b("l"), 1, ValueType.PUT));
    keys.sort(InternalKey::compare);
    assertEquals(20, InternalKey.sequence(ceiling(keys, InternalKey.forSeek(b("k"), 100))));
    assertEquals(20, InternalKey.sequence(ceiling(keys, InternalKey.forSeek(b("k"), 20))));
    assertEquals(12, InternalKey.sequence(ceiling(keys, InternalKey.forSeek(b("k"), 19))));
    assertEquals(ValueType.DELETE, InternalKey.type(ceiling(keys, InternalKey.forSeek(b("k"), 12))));
    assertEquals(8, InternalKey.sequence(ceiling(keys, InternalKey.forSeek(b("k"), 11))));
    assertEquals(3, InternalKey.sequence(ceiling(keys, InternalKey.forSeek(b("k"), 3))));
    byte[] none = ceiling(keys, InternalKey.forSeek(b("k"), 2));
    assertArrayEquals(b("l"), InternalKey.userKey(none), "no version of k at or below 2");
  }

  private static byte[] ceiling(List<byte[]> sorted, byte[] target) {
    for (byte[] k : sorted) {
      if (InternalKey.compare(k, target) >= 0) {
        return k;
      }
    }
    return null;
  }

  @Test
  void malformedKeysAreDetected() {
    assertFalse(InternalKey.isWellFormed(new byte[0]));
    assertFalse(InternalKey.isWellFormed(new byte[7]));
    byte[] badType = InternalKey.encode(b("k"), 1, ValueType.PUT);
    badType[badType.length - InternalKey.TRAILER_BYTES] = 2;
    assertFalse(InternalKey.isWellFormed(badType));
    assertThrows(IllegalArgumentException.class, () -> InternalKey.type(badType));
    assertTrue(InternalKey.toString(badType).startsWith("<malformed"));
    assertTrue(InternalKey.isWellFormed(new byte[8]), "empty user key, seq 0, DELETE");
    assertTrue(InternalKey.isWellFormed(InternalKey.encode(b("k"), 1, ValueType.PUT)));
  }

  @Test
  void sameUserKeyIgnoresTheTrailer() {
    assertTrue(InternalKey.sameUserKey(InternalKey.encode(b("k"), 1, ValueType.PUT),
        InternalKey.encode(b("k"), 99, ValueType.DELETE)));
    assertFalse(InternalKey.sameUserKey(InternalKey.encode(b("k"), 1, ValueType.PUT),
        InternalKey.encode(b("kk"), 1, ValueType.PUT)));
  }

  @Test
  void toStringShowsKeySequenceAndType() {
    assertEquals("abc@5:PUT", InternalKey.toString(InternalKey.encode(b("abc"), 5, ValueType.PUT)));
  }

  @Test
  void valueTypeCodesAreStable() {
    assertEquals(0, ValueType.DELETE.code());
    assertEquals(1, ValueType.PUT.code());
    assertEquals(ValueType.DELETE, ValueType.fromCode(0));
    assertEquals(ValueType.PUT, ValueType.fromCode(1));
    assertThrows(IllegalArgumentException.class, () -> ValueType.fromCode(2));
    assertThrows(IllegalArgumentException.class, () -> ValueType.fromCode(-1));
  }
}
