package io.stratadb.memtable;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.iterator.InternalIterator;
import io.stratadb.iterator.ModelWalk;
import io.stratadb.key.InternalKey;
import io.stratadb.key.LookupResult;
import io.stratadb.key.ValueType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class MemtableTest {

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  @Test
  void getSeesTheNewestVersionAtOrBelowTheReadSequence() {
    Memtable m = new Memtable(7);
    m.add(1, ValueType.PUT, b("k"), b("v1"));
    m.add(5, ValueType.PUT, b("k"), b("v5"));
    assertArrayEquals(b("v5"), m.get(b("k"), 5).value());
    assertArrayEquals(b("v5"), m.get(b("k"), 100).value());
    assertArrayEquals(b("v1"), m.get(b("k"), 4).value(), "older read must not see the newer write");
    assertArrayEquals(b("v1"), m.get(b("k"), 1).value());
    assertSame(LookupResult.ABSENT, m.get(b("k"), 0));
    assertEquals(7, m.logNumber());
  }

  @Test
  void entriesAddedFromRangesOfASharedArrayMatchCopiesOfThem() {
    Random random = new Random(42);
    Memtable fromRanges = new Memtable(1, 4096);
    Memtable fromCopies = new Memtable(1, 4096);
    byte[] buf = new byte[64 * 1024];
    for (int seq = 1; seq <= 500; seq++) {
      random.nextBytes(buf); // junk around every range: a read outside it would show
      int keyOffset = 1 + random.nextInt(100);
      // short keys share prefixes (inline compare), long ones differ past byte 16 (tail compare)
      int keyLength = random.nextBoolean() ? 1 + random.nextInt(3) : 17 + random.nextInt(20);
      for (int i = 0; i < Math.min(keyLength, 16); i++) {
        buf[keyOffset + i] = (byte) ('a' + random.nextInt(2));
      }
      int valueOffset = keyOffset + keyLength + random.nextInt(10);
      int valueLength = random.nextInt(50);
      ValueType type = random.nextInt(5) == 0 ? ValueType.DELETE : ValueType.PUT;
      byte[] key = Arrays.copyOfRange(buf, keyOffset, keyOffset + keyLength);
      byte[] value = Arrays.copyOfRange(buf, valueOffset, valueOffset + valueLength);
      fromRanges.add(seq, type, buf, keyOffset, keyLength, buf, valueOffset, type == ValueType.PUT ? valueLength : 0);
      fromCopies.add(seq, type, key, value);
    }
    assertEquals(entries(fromCopies), entries(fromRanges));
  }

  @Test
  void aRangeAddChecksItsRangesAndStoresADeleteEmpty() {
    Memtable m = new Memtable(1, 4096);
    byte[] buf = b("keyvalue");
    m.add(1, ValueType.DELETE, buf, 0, 3, buf, 3, 5);
    try (InternalIterator it = m.iterator()) {
      it.seekToFirst();
      assertArrayEquals(new byte[0], it.value(), "a tombstone keeps no value");
    }
    assertThrows(IndexOutOfBoundsException.class, () -> m.add(2, ValueType.PUT, buf, 5, 4, buf, 0, 1));
    assertThrows(IndexOutOfBoundsException.class, () -> m.add(3, ValueType.PUT, buf, 0, 3, buf, 6, 5));
    assertEquals(1, m.entryCount(), "a bad range adds nothing");
  }

  /** Every entry, in order, as "internal key bytes => value bytes". */
  private static List<String> entries(Memtable m) {
    List<String> out = new ArrayList<>();
    try (InternalIterator it = m.iterator()) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        out.add(Arrays.toString(it.key()) + " => " + Arrays.toString(it.value()));
      }
    }
    return out;
  }

  @Test
  void tombstoneHidesOlderValueOnlyFromItsSequenceOn() {
    Memtable m = new Memtable(1);
    m.add(1, ValueType.PUT, b("k"), b("v"));
    m.add(2, ValueType.DELETE, b("k"), b("ignored"));
    assertTrue(m.get(b("k"), 2).isDeleted());
    assertTrue(m.get(b("k"), 2).isDecided());
    assertArrayEquals(b("v"), m.get(b("k"), 1).value());
  }

  @Test
  void reinsertReplacesAnEmptyValueForGetAndIteratorAlike() {
    // WAL replay and repair may insert the same internal key twice.
    Memtable m = new Memtable(1);
    m.add(5, ValueType.PUT, b("k"), b(""));
    long before = m.approximateBytes();
    byte[] replacement = b("x");
    m.add(5, ValueType.PUT, b("k"), replacement);
    replacement[0] = 'y';
    assertArrayEquals(b("x"), m.get(b("k"), 5).value());
    try (InternalIterator it = m.iterator()) {
      it.seekToFirst();
      assertTrue(it.isValid());
      assertArrayEquals(b("x"), it.valueSlice().toArray(), "the in-place value must agree with get");
      assertArrayEquals(b("x"), it.value(), "the iterator must agree with get");
    }
    assertEquals(before + 1, m.approximateBytes(), "the replaced value is counted");
  }

  @Test
  void getReturnsAFreshArrayTheCallerMayKeep() {
    Memtable m = new Memtable(1);
    m.add(1, ValueType.PUT, b("a"), b("first"));
    m.add(5, ValueType.PUT, b("k"), b("old"));
    m.add(5, ValueType.PUT, b("k"), b("new")); // replaced: held outside the arena
    for (String key : new String[] {"a", "k"}) {
      byte[] value = m.get(b(key), 5).value();
      byte[] expected = value.clone();
      value[0] = '!';
      assertArrayEquals(expected, m.get(b(key), 5).value(), "get of " + key + " shares its array");
    }
  }

  @Test
  void deleteValueIsStoredEmpty() {
    Memtable m = new Memtable(1);
    m.add(2, ValueType.DELETE, b("k"), b("ignored"));
    try (InternalIterator it = m.iterator()) {
      it.seekToFirst();
      assertTrue(it.isValid());
      assertEquals(0, it.value().length);
    }
  }

  @Test
  void emptyValueIsAValue() {
    Memtable m = new Memtable(1);
    m.add(1, ValueType.PUT, b("k"), new byte[0]);
    LookupResult r = m.get(b("k"), 1);
    assertTrue(r.isDecided());
    assertArrayEquals(new byte[0], r.value());
  }

  @Test
  void otherKeysAreAbsent() {
    Memtable m = new Memtable(1);
    m.add(1, ValueType.PUT, b("b"), b("v"));
    assertSame(LookupResult.ABSENT, m.get(b("a"), 10));
    assertSame(LookupResult.ABSENT, m.get(b("bb"), 10));
    assertSame(LookupResult.ABSENT, m.get(b("c"), 10));
    assertSame(LookupResult.ABSENT, m.get(new byte[0], 10));
  }

  @Test
  void emptyMemtable() {
    Memtable m = new Memtable(1);
    assertTrue(m.isEmpty());
    assertEquals(0, m.entryCount());
    assertEquals(0, m.approximateBytes());
    assertSame(LookupResult.ABSENT, m.get(b("k"), InternalKey.MAX_SEQUENCE));
    try (InternalIterator it = m.iterator()) {
      assertFalse(it.isValid(), "unpositioned");
      it.seekToFirst();
      assertFalse(it.isValid());
      it.seek(InternalKey.forSeek(b("k"), 1));
      assertFalse(it.isValid());
      assertThrows(IllegalStateException.class, it::next);
    }
  }

  @Test
  void sizeAndCountGrowWithEntries() {
    Memtable m = new Memtable(1);
    m.add(1, ValueType.PUT, b("k"), new byte[100]);
    long after1 = m.approximateBytes();
    assertTrue(after1 >= 100 + 1 + InternalKey.TRAILER_BYTES);
    m.add(2, ValueType.PUT, b("k"), new byte[100]);
    assertTrue(m.approximateBytes() > after1);
    assertEquals(2, m.entryCount());
    assertFalse(m.isEmpty());
  }

  @Test
  void iteratorYieldsAllVersionsInInternalKeyOrder() {
    Memtable m = new Memtable(1);
    Random random = new Random(7);
    List<byte[]> added = new ArrayList<>();
    long seq = 1;
    for (int i = 0; i < 2000; i++) {
      byte[] user = b("key" + random.nextInt(100));
      ValueType type = random.nextInt(4) == 0 ? ValueType.DELETE : ValueType.PUT;
      m.add(seq, type, user, b("v" + seq));
      added.add(InternalKey.encode(user, seq, type));
      seq++;
    }
    added.sort(InternalKey::compare);
    List<byte[]> seen = new ArrayList<>();
    try (InternalIterator it = m.iterator()) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        seen.add(it.key());
        if (InternalKey.type(it.key()) == ValueType.PUT) {
          assertArrayEquals(b("v" + InternalKey.sequence(it.key())), it.value());
        }
      }
    }
    assertEquals(added.size(), seen.size());
    for (int i = 0; i < added.size(); i++) {
      assertArrayEquals(added.get(i), seen.get(i));
    }
  }

  @Test
  void seekPositionsAtFirstKeyAtOrAfterTarget() {
    Memtable m = new Memtable(1);
    m.add(1, ValueType.PUT, b("a"), b("a1"));
    m.add(2, ValueType.PUT, b("c"), b("c2"));
    m.add(3, ValueType.PUT, b("c"), b("c3"));
    m.add(4, ValueType.PUT, b("e"), b("e4"));
    try (InternalIterator it = m.iterator()) {
      it.seek(InternalKey.forSeek(b("b"), 10));
      assertTrue(it.isValid());
      assertArrayEquals(InternalKey.encode(b("c"), 3, ValueType.PUT), it.key());
      it.seek(InternalKey.forSeek(b("c"), 2));
      assertArrayEquals(b("c2"), it.value());
      it.next();
      assertArrayEquals(b("e4"), it.value());
      it.next();
      assertFalse(it.isValid());
      it.seek(InternalKey.forSeek(b("f"), 10));
      assertFalse(it.isValid(), "seek past the end");
      it.seek(InternalKey.forSeek(b("e"), 3));
      assertFalse(it.isValid(), "only version of e is newer than 3 and nothing follows");
    }
  }

  // ---------------------------------------------------------------- reverse direction

  @Test
  void seekToLastPrevAndSeekForPrev() {
    Memtable m = new Memtable(1);
    m.add(1, ValueType.PUT, b("a"), b("a1"));
    m.add(2, ValueType.PUT, b("c"), b("c2"));
    m.add(3, ValueType.PUT, b("c"), b("c3"));
    m.add(4, ValueType.DELETE, b("e"), null);
    try (InternalIterator it = m.iterator()) {
      it.seekToLast();
      assertArrayEquals(InternalKey.encode(b("e"), 4, ValueType.DELETE), it.key());
      it.prev();
      assertArrayEquals(b("c2"), it.value(), "the older version of c sorts after the newer");
      it.prev();
      assertArrayEquals(b("c3"), it.value());
      it.next();
      assertArrayEquals(b("c2"), it.value(), "switching back to next");
      it.prev();
      it.prev();
      assertArrayEquals(b("a1"), it.value());
      it.prev();
      assertFalse(it.isValid());
      assertThrows(IllegalStateException.class, it::prev);
      it.seekForPrev(InternalKey.forSeek(b("c"), 10));
      assertArrayEquals(b("a1"), it.value(), "c@10 sorts before every version of c");
      it.seekForPrev(InternalKey.forSeek(b("c"), 2));
      assertArrayEquals(b("c2"), it.value());
      it.next();
      assertArrayEquals(InternalKey.encode(b("e"), 4, ValueType.DELETE), it.key());
      it.seekForPrev(InternalKey.forSeek(b("0"), 1));
      assertFalse(it.isValid(), "before the first entry");
    }
    try (InternalIterator empty = new Memtable(2).iterator()) {
      empty.seekToLast();
      assertFalse(empty.isValid());
      empty.seekForPrev(InternalKey.forSeek(b("k"), 1));
      assertFalse(empty.isValid());
    }
  }

  @Test
  void randomMovesMatchTheSortedEntries() {
    Memtable m = new Memtable(1);
    Random random = new Random(17);
    TreeMap<byte[], byte[]> model = new TreeMap<>(InternalKey::compare);
    for (long seq = 1; seq <= 500; seq++) {
      byte[] user = b("key" + random.nextInt(60));
      ValueType type = random.nextInt(4) == 0 ? ValueType.DELETE : ValueType.PUT;
      m.add(seq, type, user, b("v" + seq));
      model.put(InternalKey.encode(user, seq, type), type == ValueType.PUT ? b("v" + seq) : new byte[0]);
    }
    try (InternalIterator it = m.iterator()) {
      ModelWalk.of(model).walk(it, random, 5000, r -> InternalKey.forSeek(b("key" + r.nextInt(65)), r.nextInt(520)));
    }
  }

  @Test
  void aBloomFilteredMemtableAnswersEveryLookupAsOneWithout() {
    Memtable plain = new Memtable(1);
    Memtable filtered = new Memtable(1, 256); // 2048 bits for 1000 keys: some false positives too
    Random random = new Random(11);
    for (long seq = 1; seq <= 3000; seq++) {
      byte[] key = b("key" + random.nextInt(1000));
      ValueType type = random.nextInt(5) == 0 ? ValueType.DELETE : ValueType.PUT;
      byte[] value = random.nextInt(10) == 0 ? b("") : b("v" + seq);
      plain.add(seq, type, key, value);
      filtered.add(seq, type, key, value);
    }
    int absentSkipped = 0;
    for (int i = 0; i < 2000; i++) {
      byte[] key = b("key" + i); // keys 1000-1999 were never added
      long seq = 1 + random.nextInt(3000);
      LookupResult expected = plain.get(key, seq);
      LookupResult actual = filtered.get(key, seq);
      assertEquals(expected.isDecided(), actual.isDecided(), "key" + i + " at " + seq);
      assertEquals(expected.isDeleted(), actual.isDeleted(), "key" + i + " at " + seq);
      if (expected.isDecided() && !expected.isDeleted()) {
        assertArrayEquals(expected.value(), actual.value(), "key" + i + " at " + seq);
      }
      if (i >= 1000 && actual == LookupResult.ABSENT) {
        absentSkipped++;
      }
    }
    assertEquals(1000, absentSkipped);
    assertThrows(IllegalArgumentException.class, () -> new Memtable(1, -1));
  }
}
