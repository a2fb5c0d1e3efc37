package io.stratadb.cli.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.Compression;
import io.stratadb.DbIterator;
import io.stratadb.Options;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LMDB behind {@link BenchEngine}: gets, deletes and cursors agree with a sorted map. */
class LmdbBenchEngineTest {
  @TempDir Path tmp;

  /** StrataDB's default settings, uncompressed, for a test's engines. */
  static BenchSettings settings(boolean sync) {
    Options o = Options.builder().build();
    return new BenchSettings(o.writeBufferSize(), o.blockSize(), o.bloomBitsPerKey(), o.blockCacheSize(),
        Compression.NONE, o.compactionStrategy(), o.memtableRep(), sync, false, false, 0);
  }

  private static byte[] key(int k) {
    return BenchKeys.key(k, 16);
  }

  private static String text(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.US_ASCII);
  }

  @Test
  void putsGetsDeletesAndCursorsAgreeWithASortedMap() throws Exception {
    NavigableMap<String, String> model = new TreeMap<>();
    Random random = new Random(7);
    try (BenchEngine lmdb = BenchEngine.Kind.LMDB.open(tmp, settings(false), LmdbBenchEngine.dataBytes(400, 16, 40))) {
      for (int i = 0; i < 2000; i++) {
        int k = random.nextInt(400);
        if (random.nextInt(4) == 0) {
          lmdb.delete(key(k));
          model.remove(text(key(k)));
        } else {
          String value = "v" + i + "-".repeat(random.nextInt(40));
          lmdb.put(key(k), value.getBytes(StandardCharsets.US_ASCII));
          model.put(text(key(k)), value);
        }
      }
      for (int k = 0; k < 400; k++) {
        assertEquals(model.get(text(key(k))), text(lmdb.get(key(k))), "key " + k);
      }
      try (DbIterator it = lmdb.newCursor()) {
        it.seekToFirst();
        for (Map.Entry<String, String> e : model.entrySet()) {
          assertTrue(it.isValid());
          assertEquals(e.getKey(), text(it.key()));
          assertEquals(e.getValue(), text(it.value()));
          it.next();
        }
        assertFalse(it.isValid());
        it.seekToLast();
        for (String k : model.descendingKeySet()) {
          assertEquals(k, text(it.key()));
          it.prev();
        }
        assertFalse(it.isValid());
        assertThrows(IllegalStateException.class, it::key, "not positioned after running off the start");
        for (int k = 0; k < 401; k++) {
          String target = text(key(k));
          it.seek(key(k));
          assertEquals(model.ceilingKey(target), it.isValid() ? text(it.key()) : null, "seek " + k);
          it.seekForPrev(key(k));
          assertEquals(model.floorKey(target), it.isValid() ? text(it.key()) : null, "seekForPrev " + k);
        }
      }
      assertTrue(lmdb.shape().contains(model.size() + " entries"), lmdb.shape());
    }
  }

  @Test
  void aCursorSeesTheDataAsOfItsCreationAndWritesGoOn() throws Exception {
    try (BenchEngine lmdb = BenchEngine.Kind.LMDB.open(tmp, settings(true), 0)) {
      lmdb.put(key(1), new byte[] {1});
      try (DbIterator it = lmdb.newCursor()) {
        // The same thread writes and reads while the cursor's read transaction is open (MDB_NOTLS).
        lmdb.put(key(2), new byte[] {2});
        assertArrayEquals(new byte[] {2}, lmdb.get(key(2)));
        it.seekToFirst();
        assertArrayEquals(key(1), it.key());
        it.next();
        assertFalse(it.isValid(), "a cursor reads its snapshot");
      }
      assertNull(lmdb.get(key(3)));
      assertThrows(IllegalArgumentException.class, () -> lmdb.put(new byte[600], new byte[1]));
    }
  }

  @Test
  void theMapIsSizedFromTheDataWithRoomForHalfFullPages() {
    assertEquals(LmdbBenchEngine.MIN_MAP_BYTES, LmdbBenchEngine.mapBytes(1000));
    long data = LmdbBenchEngine.dataBytes(1_000_000, 16, 100);
    assertEquals(126_000_000L, data);
    assertEquals(4 * 126_000_000L, LmdbBenchEngine.mapBytes(data));
    assertEquals(LmdbBenchEngine.DEFAULT_MAP_BYTES, LmdbBenchEngine.mapBytes(0));
    assertEquals(Long.MAX_VALUE, LmdbBenchEngine.mapBytes(Long.MAX_VALUE / 2));
  }

  @Test
  void theTestJvmOpensWhatLmdbjavaNeeds() {
    assertEquals("", LmdbBenchEngine.missingOpens());
    assertTrue(Arrays.asList("java.nio", "sun.nio.ch").containsAll(LmdbBenchEngine.NEEDED_OPENS));
  }
}
