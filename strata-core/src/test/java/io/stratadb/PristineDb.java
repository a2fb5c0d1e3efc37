package io.stratadb;

import static io.stratadb.TestKeys.b;
import static io.stratadb.TestKeys.s;

import io.stratadb.env.MemoryFileSystem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * TEST ONLY: a small but complete database built through the public API in a {@link
 * MemoryFileSystem}, with the history of what was written, for the corruption sweep and the
 * verify/repair tests.
 *
 * <p>The history: 300 keys loaded and compacted to a deep level; overwrites and deletes flushed and
 * partly compacted; more of them flushed into L0; a reopen (which replays the last WAL into an L0
 * table); then {@value #TAIL_BATCHES} batches of puts and deletes, one of them holding a 40 KB
 * value so that its WAL record is split into fragments across a 32 KiB log block, written
 * <em>without</em> sync and left in the WAL by a close. The tail batches after the first {@value
 * #FLUSHED_TAIL_BATCHES} are the only writes a torn WAL tail may lose; everything before them is in
 * SSTables. The directory ends with SSTables in L0 and deeper levels, one WAL, one manifest of
 * several records, CURRENT and LOCK.
 */
public final class PristineDb {
  /** Batches written after the reopen. */
  public static final int TAIL_BATCHES = 40;
  /** Of those, the first ones are flushed to an L0 table before the rest goes to the WAL. */
  public static final int FLUSHED_TAIL_BATCHES = 8;
  /** Keys 0..KEYS-1 are written; a few more are probed and never written. */
  public static final int KEYS = 300;

  /** The files of the directory, by name. */
  public final Map<String, byte[]> files;
  /**
   * {@code walStates.get(j)}: the database content once the first {@code j} batches in the WAL are
   * applied (j = 0 .. batches in the WAL); the last one is the full content.
   */
  public final List<TreeMap<String, String>> walStates;
  /** Every key ever written, plus a few never written. */
  public final List<String> probeKeys;
  /** The options the database was built with (block size 256, restart interval 4, no background compactions). */
  public final Options options;

  private PristineDb(Map<String, byte[]> files, List<TreeMap<String, String>> walStates, List<String> probeKeys,
      Options options) {
    this.files = files;
    this.walStates = walStates;
    this.probeKeys = probeKeys;
    this.options = options;
  }

  /** The full content of the pristine database. */
  public TreeMap<String, String> content() {
    return walStates.get(walStates.size() - 1);
  }

  /** Options for a database in {@code fs}: small blocks, LZ4 below L0, no automatic compaction. */
  public static Options options(MemoryFileSystem fs) {
    return Options.builder().fileSystem(fs).writeBufferSize(4 << 20).blockSize(256).blockRestartInterval(4)
        .bloomBitsPerKey(10).maxBackgroundJobs(2)
        .compressionPerLevel(List.of(Compression.NONE, Compression.LZ4))
        .compactionStrategy(new CompactionStrategy.Leveled(1000, 1L << 20, 10, false))
        .l0SlowdownWritesTrigger(10_000).l0StopWritesTrigger(10_000).build();
  }

  static String key(int i) {
    return String.format("key%05d", i);
  }

  private static String value(String tag, int i, Random random) {
    return tag + "-" + i + "-" + "x".repeat(random.nextInt(60));
  }

  /** Builds the database in {@code dir} of {@code fs}, then snapshots its files. */
  public static PristineDb build(MemoryFileSystem fs, Path dir) throws IOException {
    Options options = options(fs);
    Random random = new Random(20240611);
    TreeMap<String, String> model = new TreeMap<>();
    try (Db db = Db.open(dir, options)) {
      for (int half = 0; half < 2; half++) { // two L1 tables with disjoint key ranges
        for (int i = half * KEYS / 2; i < (half + 1) * KEYS / 2; i += 10) {
          WriteBatch batch = new WriteBatch();
          for (int k = i; k < i + 10; k++) {
            put(batch, model, key(k), value("a", k, random));
          }
          db.write(batch);
        }
        db.flush();
        db.compactRange(Bound.inclusive(b(key(half * KEYS / 2))), Bound.inclusive(b(key((half + 1) * KEYS / 2 - 1))));
      }
      for (int k = 0; k < 100; k += 2) {
        write(db, model, k, value("b", k, random));
      }
      for (int k = 120; k < 140; k++) {
        delete(db, model, k);
      }
      db.flush();
      db.compactRange(Bound.inclusive(b(key(40))), Bound.inclusive(b(key(60))));
      for (int k = 100; k < 200; k += 3) {
        write(db, model, k, value("c", k, random));
      }
      for (int k = 0; k < 10; k++) {
        delete(db, model, k);
      }
      db.flush();
      for (int k = 250; k < KEYS; k++) {
        write(db, model, k, value("d", k, random));
      }
      db.flush();
      for (int k = 60; k < 90; k++) {
        write(db, model, k, value("e", k, random)); // left in the WAL: replayed by the reopen
      }
    }
    List<TreeMap<String, String>> walStates = new ArrayList<>();
    try (Db db = Db.open(dir, options)) {
      for (int batch = 0; batch < TAIL_BATCHES; batch++) {
        if (batch == FLUSHED_TAIL_BATCHES) {
          db.flush();
          walStates.add(new TreeMap<>(model));
        }
        WriteBatch wb = new WriteBatch();
        for (int j = 0; j < 5; j++) {
          int k = random.nextInt(KEYS + 20);
          if (random.nextInt(4) == 0) {
            wb.delete(b(key(k)));
            model.remove(key(k));
          } else {
            String v = batch == TAIL_BATCHES / 2 && j == 0 ? "big-" + "y".repeat(40_000) : value("f" + batch, k, random);
            put(wb, model, key(k), v);
          }
        }
        db.write(wb, WriteOptions.defaults());
        if (batch >= FLUSHED_TAIL_BATCHES) {
          walStates.add(new TreeMap<>(model));
        }
      }
      DbStats stats = db.stats();
      int l0 = stats.levels().get(0).files();
      int deeper = 0;
      for (int level = 1; level < stats.levels().size(); level++) {
        deeper += stats.levels().get(level).files();
      }
      if (l0 < 2 || deeper < 2) {
        throw new IllegalStateException("expected tables in L0 and deeper levels, got " + stats.levels());
      }
    }
    List<String> probes = new ArrayList<>();
    for (int k = 0; k < KEYS + 25; k++) {
      probes.add(key(k));
    }
    probes.add("");
    probes.add("zzz");
    return new PristineDb(fs.snapshot(dir), Collections.unmodifiableList(walStates), probes, options);
  }

  private static void put(WriteBatch batch, TreeMap<String, String> model, String key, String value) {
    batch.put(b(key), b(value));
    model.put(key, value);
  }

  private static void write(Db db, TreeMap<String, String> model, int k, String value) {
    db.put(b(key(k)), b(value));
    model.put(key(k), value);
  }

  private static void delete(Db db, TreeMap<String, String> model, int k) {
    db.delete(b(key(k)));
    model.remove(key(k));
  }

  /** Reads every probe key with {@code get}: the content as a map. */
  public TreeMap<String, String> readByGets(Db db) {
    TreeMap<String, String> out = new TreeMap<>();
    for (String k : probeKeys) {
      byte[] v = db.get(b(k));
      if (v != null) {
        out.put(k, s(v));
      }
    }
    return out;
  }

  /** Reads the content with one forward scan. */
  public static TreeMap<String, String> readByScan(Db db) {
    TreeMap<String, String> out = new TreeMap<>();
    String previous = null;
    try (DbIterator it = db.scan(Bound.unbounded(), Bound.unbounded())) {
      for (; it.isValid(); it.next()) {
        String k = s(it.key());
        if (previous != null && previous.compareTo(k) >= 0) {
          throw new AssertionError("scan out of order: " + previous + " then " + k);
        }
        previous = k;
        out.put(k, s(it.value()));
      }
    }
    return out;
  }
}
