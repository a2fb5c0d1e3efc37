package io.stratadb.sstable;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.CorruptionException;
import io.stratadb.iterator.InternalIterator;
import io.stratadb.iterator.ModelWalk;
import io.stratadb.util.Coding;
import io.stratadb.util.Slice;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BlockTest {
  private static final Comparator<byte[]> BYTEWISE = Arrays::compareUnsigned;

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  /** Even-numbered keys with shared prefixes, so prefix compression matters. */
  private static List<byte[]> keys(int n) {
    List<byte[]> keys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      keys.add(b(String.format("prefix/%06d", 2 * i)));
    }
    return keys;
  }

  private static byte[] value(int i) {
    return b("value-" + i + "-".repeat(i % 5));
  }

  private static Block build(List<byte[]> keys, int restartInterval) {
    BlockBuilder builder = new BlockBuilder(restartInterval, 64);
    for (int i = 0; i < keys.size(); i++) {
      builder.add(keys.get(i), value(i));
    }
    int estimate = builder.currentSizeEstimate();
    byte[] data = builder.finish();
    assertEquals(estimate, data.length, "size estimate of a finished block is exact");
    return new Block(data, "test.sst", 100);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 16, 1000})
  void entriesRoundTrip(int restartInterval) {
    List<byte[]> keys = keys(500);
    Block block = build(keys, restartInterval);
    try (InternalIterator it = block.iterator(BYTEWISE)) {
      assertFalse(it.isValid(), "unpositioned");
      int i = 0;
      for (it.seekToFirst(); it.isValid(); it.next()) {
        assertArrayEquals(keys.get(i), it.key());
        assertArrayEquals(value(i), it.value());
        i++;
      }
      assertEquals(keys.size(), i);
      assertThrows(IllegalStateException.class, it::next);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 16})
  void seekToExactBetweenAndPastEnd(int restartInterval) {
    List<byte[]> keys = keys(200);
    Block block = build(keys, restartInterval);
    InternalIterator it = block.iterator(BYTEWISE);
    for (int i = 0; i < keys.size(); i++) {
      it.seek(keys.get(i));
      assertTrue(it.isValid());
      assertArrayEquals(keys.get(i), it.key(), "exact " + i);
      assertArrayEquals(value(i), it.value());
      it.seek(b(String.format("prefix/%06d", 2 * i + 1)));
      if (i + 1 < keys.size()) {
        assertArrayEquals(keys.get(i + 1), it.key(), "between " + i + " and " + (i + 1));
      } else {
        assertFalse(it.isValid(), "between last key and end");
      }
    }
    it.seek(b("a"));
    assertArrayEquals(keys.get(0), it.key(), "before the first key");
    it.seek(new byte[0]);
    assertArrayEquals(keys.get(0), it.key());
    it.seek(b("prefix/999999"));
    assertFalse(it.isValid(), "past the end");
    it.seek(b("q"));
    assertFalse(it.isValid());
  }

  @Test
  void seekThenNextWalksOnAcrossRestartPoints() {
    List<byte[]> keys = keys(100);
    Block block = build(keys, 16);
    InternalIterator it = block.iterator(BYTEWISE);
    it.seek(keys.get(14));
    for (int i = 14; i < 40; i++) {
      assertArrayEquals(keys.get(i), it.key());
      it.next();
    }
  }

  @Test
  void singleEntryBlock() {
    Block block = build(List.of(b("only")), 16);
    InternalIterator it = block.iterator(BYTEWISE);
    it.seekToFirst();
    assertArrayEquals(b("only"), it.key());
    it.next();
    assertFalse(it.isValid());
    it.seek(b("only"));
    assertArrayEquals(b("only"), it.key());
    it.seek(b("a"));
    assertArrayEquals(b("only"), it.key());
    it.seek(b("onlz"));
    assertFalse(it.isValid());
  }

  @Test
  void emptyKeysAndValues() {
    BlockBuilder builder = new BlockBuilder(16, 16);
    builder.add(new byte[0], new byte[0]);
    builder.add(b("a"), new byte[0]);
    Block block = new Block(builder.finish(), "t", 0);
    InternalIterator it = block.iterator(BYTEWISE);
    it.seekToFirst();
    assertEquals(0, it.key().length);
    assertEquals(0, it.value().length);
    it.next();
    assertArrayEquals(b("a"), it.key());
  }

  @Test
  void restartPointsAreEveryIntervalKeys() {
    BlockBuilder builder = new BlockBuilder(16, 64);
    List<byte[]> keys = keys(100);
    for (byte[] k : keys) {
      builder.add(k, new byte[0]);
    }
    byte[] data = builder.finish();
    assertEquals(7, Coding.getFixed32(data, data.length - 4), "ceil(100 / 16) restart points");
    assertEquals(0, Coding.getFixed32(data, data.length - 4 - 7 * 4), "first restart at offset 0");
  }

  @Test
  void builderResetsAndRejectsAddAfterFinish() {
    BlockBuilder builder = new BlockBuilder(4, 16);
    assertTrue(builder.isEmpty());
    builder.add(b("x"), b("1"));
    assertFalse(builder.isEmpty());
    assertArrayEquals(b("x"), builder.lastKey());
    builder.finish();
    assertThrows(IllegalStateException.class, () -> builder.add(b("y"), b("2")));
    builder.reset();
    assertTrue(builder.isEmpty());
    builder.add(b("a"), b("3"));
    Block block = new Block(builder.finish(), "t", 0);
    InternalIterator it = block.iterator(BYTEWISE);
    it.seekToFirst();
    assertArrayEquals(b("a"), it.key());
    it.next();
    assertFalse(it.isValid(), "reset dropped the earlier entry");
  }

  @Test
  void corruptRestartCountIsCorruption() {
    byte[] data = finished(keys(50), 16);
    for (int bad : new int[] {0, -1, Integer.MAX_VALUE, data.length / 4}) {
      byte[] damaged = data.clone();
      Coding.putFixed32(damaged, damaged.length - 4, bad);
      CorruptionException e = assertThrows(CorruptionException.class, () -> new Block(damaged, "f.sst", 4096),
          "restart count " + bad);
      assertEquals("f.sst", e.file());
      assertEquals(4096, e.offset());
    }
    assertThrows(CorruptionException.class, () -> new Block(new byte[3], "f.sst", 0));
  }

  @Test
  void restartOffsetOutOfRangeIsCorruptionOnSeek() {
    byte[] data = finished(keys(50), 16);
    int restarts = Coding.getFixed32(data, data.length - 4);
    Coding.putFixed32(data, data.length - 4 - 4 * restarts + 4, data.length); // second restart point
    Block block = new Block(data, "f.sst", 8);
    CorruptionException e = assertThrows(CorruptionException.class,
        () -> block.iterator(BYTEWISE).seek(b("prefix/000040")));
    assertEquals(8, e.offset());
  }

  @Test
  void viewsAddedFromAReusedBufferBuildTheBlockArraysBuild() {
    // Keys share prefixes and the source rewrites one buffer in place: the delta of each key must
    // be taken against a copy of the previous key, not against a view of the reused buffer.
    BlockBuilder fromArrays = new BlockBuilder(4, 16);
    BlockBuilder fromViews = new BlockBuilder(4, 16);
    byte[] buffer = new byte[64];
    Slice key = new Slice();
    Slice value = new Slice();
    for (int round = 0; round < 2; round++) { // the second round reuses both builders after reset
      for (int i = 0; i < 40; i++) {
        byte[] k = b(String.format("prefix/%04d", i * 7 + round));
        byte[] v = i % 3 == 0 ? new byte[0] : b("v" + i);
        fromArrays.add(k, v);
        System.arraycopy(k, 0, buffer, 2, k.length);
        System.arraycopy(v, 0, buffer, 40, v.length);
        key.set(buffer, 2, k.length);
        value.set(buffer, 40, v.length);
        fromViews.add(key, value);
        Arrays.fill(buffer, (byte) 'x');
      }
      assertArrayEquals(b(String.format("prefix/%04d", 39 * 7 + round)), fromViews.lastKey());
      byte[] expected = fromArrays.finish();
      Slice inPlace = fromViews.finishInPlace();
      assertArrayEquals(expected, inPlace.toArray(), "round " + round);
      assertThrows(IllegalStateException.class, fromViews::finishInPlace, "finished twice");
      fromArrays.reset();
      fromViews.reset();
    }
  }

  @Test
  void entryLengthsPastTheEntriesAreCorruption() {
    BlockBuilder builder = new BlockBuilder(16, 16);
    builder.add(b("key"), b("value"));
    byte[] data = builder.finish();
    data[2] = 100; // value length 100 > bytes available
    Block block = new Block(data, "f.sst", 0);
    assertThrows(CorruptionException.class, () -> block.iterator(BYTEWISE).seekToFirst());
  }

  @Test
  void sharedPrefixLongerThanThePreviousKeyIsCorruption() {
    BlockBuilder builder = new BlockBuilder(16, 16);
    builder.add(b("abc"), b("1"));
    builder.add(b("abd"), b("2"));
    byte[] data = builder.finish();
    int second = 3 + 3 + 1; // header of 3 one-byte varints, key, value
    assertEquals(2, data[second], "shared bytes of the second entry");
    data[second] = 9;
    InternalIterator it = new Block(data, "f.sst", 0).iterator(BYTEWISE);
    it.seekToFirst();
    assertThrows(CorruptionException.class, it::next);
  }

  /** Regression: seek in a zero-entry block threw CorruptionException (restart point out of range). */
  @Test
  void seekInAnEmptyBlockIsInvalidNotCorrupt() {
    Block block = new Block(new BlockBuilder(16, 16).finish(), "f.sst", 0);
    InternalIterator it = block.iterator(BYTEWISE);
    it.seekToFirst();
    assertFalse(it.isValid());
    it.seek(b("k"));
    assertFalse(it.isValid());
  }

  // ---------------------------------------------------------------- reverse direction

  private static ModelWalk model(List<byte[]> keys) {
    List<byte[]> values = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      values.add(value(i));
    }
    return new ModelWalk(keys, values, BYTEWISE);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 16, 1000})
  void backwardScanYieldsEveryEntryInReverse(int restartInterval) {
    for (int n : new int[] {1, 2, 17, 200}) {
      List<byte[]> keys = keys(n);
      try (InternalIterator it = build(keys, restartInterval).iterator(BYTEWISE)) {
        model(keys).checkBackwardScan(it);
        assertThrows(IllegalStateException.class, it::prev, "prev on an invalid iterator");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 16})
  void seekForPrevToExactBetweenBeforeFirstAndPastEnd(int restartInterval) {
    List<byte[]> keys = keys(100);
    InternalIterator it = build(keys, restartInterval).iterator(BYTEWISE);
    for (int i = 0; i < keys.size(); i++) {
      it.seekForPrev(keys.get(i));
      assertArrayEquals(keys.get(i), it.key(), "exact " + i);
      assertArrayEquals(value(i), it.value());
      it.seekForPrev(b(String.format("prefix/%06d", 2 * i + 1)));
      assertArrayEquals(keys.get(i), it.key(), "between " + i + " and the next key");
    }
    it.seekForPrev(b("prefix/"));
    assertFalse(it.isValid(), "before the first key");
    it.seekForPrev(b("z"));
    assertArrayEquals(keys.get(99), it.key(), "past the end is the last key");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 4, 16})
  void directionSwitchesInTheMiddleGiveTheNeighbours(int restartInterval) {
    List<byte[]> keys = keys(60);
    InternalIterator it = build(keys, restartInterval).iterator(BYTEWISE);
    it.seek(keys.get(33));
    it.next();
    assertArrayEquals(keys.get(34), it.key());
    it.prev();
    assertArrayEquals(keys.get(33), it.key());
    it.prev();
    assertArrayEquals(keys.get(32), it.key(), "crosses a restart point backward for interval 16");
    it.next();
    assertArrayEquals(keys.get(33), it.key());
    it.seekToFirst();
    it.prev();
    assertFalse(it.isValid(), "prev from the first entry");
    it.seekToLast();
    it.next();
    assertFalse(it.isValid(), "next from the last entry");
    it.seekToLast();
    it.prev();
    assertArrayEquals(keys.get(58), it.key());
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 16})
  void randomMovesMatchTheSortedKeys(int restartInterval) {
    List<byte[]> keys = keys(90);
    Random random = new Random(restartInterval);
    ModelWalk model = model(keys);
    InternalIterator it = build(keys, restartInterval).iterator(BYTEWISE);
    model.walk(it, random, 3000, r -> r.nextInt(20) == 0 ? b(r.nextBoolean() ? "a" : "z")
        : b(String.format("prefix/%06d", r.nextInt(185))));
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 16, 64})
  void randomMovesOverKeysAndValuesOfVaryingLengthsMatch(int restartInterval) {
    // Keys from 1 to 200 bytes sharing prefixes of any length: steps back restore keys longer
    // than any decoded since, from the entries a re-decoding prev() kept.
    Random random = new Random(100 + restartInterval);
    TreeSet<byte[]> sorted = new TreeSet<>(Arrays::compareUnsigned);
    while (sorted.size() < 150) {
      byte[] key = new byte[1 + random.nextInt(random.nextInt(10) == 0 ? 200 : 12)];
      for (int i = 0; i < key.length; i++) {
        key[i] = (byte) ('a' + random.nextInt(3));
      }
      sorted.add(key);
    }
    List<byte[]> keys = new ArrayList<>(sorted);
    List<byte[]> values = new ArrayList<>();
    BlockBuilder builder = new BlockBuilder(restartInterval, 1 << 16);
    for (byte[] key : keys) {
      byte[] value = new byte[random.nextInt(300)];
      random.nextBytes(value);
      values.add(value);
      builder.add(key, value);
    }
    ModelWalk model = new ModelWalk(keys, values, BYTEWISE);
    try (InternalIterator it = new Block(builder.finish(), "f.sst", 0).iterator(BYTEWISE)) {
      model.checkBackwardScan(it);
      model.walk(it, random, 4000, r -> keys.get(r.nextInt(keys.size())));
      model.checkBackwardScan(it);
    }
  }

  @Test
  void emptyBlockInReverse() {
    InternalIterator it = new Block(new BlockBuilder(16, 16).finish(), "f.sst", 0).iterator(BYTEWISE);
    it.seekToLast();
    assertFalse(it.isValid());
    it.seekForPrev(b("k"));
    assertFalse(it.isValid());
    assertThrows(IllegalStateException.class, it::prev);
  }

  @Test
  void lastRestartOffsetOutOfRangeIsCorruptionOnSeekToLast() {
    byte[] data = finished(keys(50), 16);
    Coding.putFixed32(data, data.length - 8, data.length); // the last restart point
    Block block = new Block(data, "f.sst", 8);
    assertThrows(CorruptionException.class, () -> block.iterator(BYTEWISE).seekToLast());
  }

  private static byte[] finished(List<byte[]> keys, int restartInterval) {
    BlockBuilder builder = new BlockBuilder(restartInterval, 64);
    for (int i = 0; i < keys.size(); i++) {
      builder.add(keys.get(i), value(i));
    }
    return builder.finish();
  }

  // ---------------------------------------------------------------- views of a mapped buffer

  /** The block's bytes placed at offset 13 of a direct little-endian buffer, with junk around. */
  private static Block view(byte[] data) {
    java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocateDirect(data.length + 40)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < buffer.capacity(); i++) {
      buffer.put(i, (byte) 0xA5);
    }
    buffer.put(13, data);
    return Block.view(buffer, 13, data.length, "mapped.sst", 4096);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 16, 1000})
  void viewOfADirectBufferWalksLikeTheHeapBlock(int restartInterval) {
    List<byte[]> keys = keys(200);
    Block block = view(finished(keys, restartInterval));
    assertTrue(block.isView());
    ModelWalk model = model(keys);
    try (InternalIterator it = block.iterator(InPlaceBytewise.INSTANCE)) {
      model.checkForwardScan(it);
      model.checkBackwardScan(it);
      model.walk(it, new Random(restartInterval), 2000, r -> b(String.format("prefix/%06d", r.nextInt(420))));
    }
    // A comparator that cannot compare in place takes the copying path of the restart search.
    try (InternalIterator it = block.iterator(BYTEWISE)) {
      model.walk(it, new Random(-restartInterval), 2000, r -> b(String.format("prefix/%06d", r.nextInt(420))));
    }
  }

  @Test
  void viewSlicesHoldTheEntryBytes() {
    List<byte[]> keys = keys(50);
    try (InternalIterator it = view(finished(keys, 4)).iterator(InPlaceBytewise.INSTANCE)) {
      int i = 0;
      for (it.seekToFirst(); it.isValid(); it.next(), i++) {
        assertArrayEquals(keys.get(i), it.keySlice().toArray());
        assertArrayEquals(value(i), it.valueSlice().toArray());
        assertArrayEquals(value(i), it.value());
      }
      assertEquals(50, i);
    }
  }

  @Test
  void viewRejectsABigEndianBufferOrARangeOutsideIt() {
    byte[] data = finished(keys(5), 2);
    java.nio.ByteBuffer bigEndian = java.nio.ByteBuffer.allocateDirect(data.length).put(0, data);
    assertThrows(IllegalArgumentException.class, () -> Block.view(bigEndian, 0, data.length, "f.sst", 0));
    java.nio.ByteBuffer little = java.nio.ByteBuffer.allocateDirect(data.length)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN).put(0, data);
    assertThrows(IndexOutOfBoundsException.class, () -> Block.view(little, 1, data.length, "f.sst", 0));
    assertFalse(new Block(data, "f.sst", 0).isView());
  }

  @Test
  void viewWithABadRestartCountIsCorruption() {
    byte[] data = finished(keys(5), 2);
    Coding.putFixed32(data, data.length - 4, 1 << 20);
    CorruptionException e = assertThrows(CorruptionException.class, () -> view(data));
    assertTrue(e.getMessage().contains("mapped.sst"), e.getMessage());
  }

  @Test
  void reusedIteratorForgetsTheBlockItLeft() {
    // Same key and value lengths: the blocks have their entries at the same offsets, so a prev
    // cache carried over from one to the other would match positions and hand out wrong keys.
    List<byte[]> keysA = new ArrayList<>();
    List<byte[]> keysB = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      keysA.add(b(String.format("aaaa%04d", i)));
      keysB.add(b(String.format("bbbb%04d", i)));
    }
    Block a = build(keysA, 16);
    Block b = view(finished(keysB, 16));
    InternalIterator it = a.iterator(InPlaceBytewise.INSTANCE);
    it.seekToLast();
    it.prev();
    it.prev(); // on entry 37 of A, from the prev cache of A's last restart interval
    InternalIterator reused = b.iterator(InPlaceBytewise.INSTANCE, it);
    assertTrue(reused == it, "an iterator with the same comparator is re-pointed, not replaced");
    assertFalse(reused.isValid(), "re-pointed iterators start unpositioned");
    reused.seek(keysB.get(37));
    reused.prev();
    assertArrayEquals(keysB.get(36), reused.key());
    model(keysB).checkBackwardScan(reused);
    model(keysB).checkForwardScan(reused);
    InternalIterator back = a.iterator(InPlaceBytewise.INSTANCE, reused);
    model(keysA).checkBackwardScan(back);
    assertTrue(a.iterator(BYTEWISE, back) != back, "another comparator gets a new iterator");
    assertTrue(a.iterator(BYTEWISE, null) != null);
  }


  @Test
  void valueCopyIsAFreshArrayForHeapBlocksAndViews() {
    List<byte[]> keys = keys(40);
    for (Block block : List.of(build(keys, 4), view(finished(keys, 4)))) {
      try (InternalIterator it = block.iterator(InPlaceBytewise.INSTANCE)) {
        int i = 0;
        for (it.seekToFirst(); it.isValid(); it.next(), i++) {
          byte[] first = it.valueCopy();
          assertArrayEquals(value(i), first);
          first[0] ^= 1;
          assertArrayEquals(value(i), it.valueCopy(), "a copy the caller changed is not the block's");
        }
        assertEquals(40, i);
        assertThrows(IllegalStateException.class, it::valueCopy);
      }
    }
  }
}
