package io.stratadb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.Tuple;

/**
 * Metamorphic test, as Pebble's {@code internal/metamorphic}: one generated sequence of operations
 * (puts, deletes, batches, gets, scans both ways, iterator walks, snapshots, transactions, flush,
 * compaction, reopen) runs under several engine configurations (block and memtable sizes, restart
 * interval, bloom bits, compaction strategy, compression, block cache) and against a {@link TreeMap}
 * model. Every operation's result goes into a history; all histories must be identical. On a
 * failure jqwik prints the seed and shrinks the operation list to a small reproduction; the
 * assertion message names the configuration and the first differing step.
 */
class DbMetamorphicTest {

  sealed interface Op permits Put, Delete, Batch, Get, Scan, Walk, TakeSnapshot, SnapshotGet, ReleaseSnapshot,
      Txn, Flush, Compact, Reopen {}

  record Put(int key, int value) implements Op {}

  record Delete(int key) implements Op {}

  record Batch(List<Op> ops) implements Op {}

  record Get(int key) implements Op {}

  record Scan(int lower, int upper, boolean reverse) implements Op {}

  /** Seeks to {@code target}, then moves by the signs of {@code moves} (+1 next, -1 prev). */
  record Walk(int target, boolean forPrev, List<Integer> moves) implements Op {}

  record TakeSnapshot(int slot) implements Op {}

  record SnapshotGet(int slot, int key) implements Op {}

  record ReleaseSnapshot(int slot) implements Op {}

  /** A transaction that reads {@code readKey}, puts {@code key}, deletes {@code deleteKey}, commits. */
  record Txn(int readKey, int key, int value, int deleteKey) implements Op {}

  record Flush() implements Op {}

  record Compact() implements Op {}

  record Reopen() implements Op {}

  private static final int KEYS = 40;

  private static byte[] key(int k) {
    return new byte[] {(byte) (k * 6), (byte) k};
  }

  private static byte[] value(int v) {
    byte[] b = new byte[v % 200];
    Arrays.fill(b, (byte) v);
    if (b.length > 0) {
      b[0] = (byte) (v >>> 8);
    }
    return b;
  }

  private static String show(byte[] v) {
    return v == null ? "null" : v.length + ":" + Arrays.hashCode(v);
  }

  @Provide
  Arbitrary<List<Op>> programs() {
    Arbitrary<Integer> keys = Arbitraries.integers().between(0, KEYS - 1);
    Arbitrary<Integer> values = Arbitraries.integers().between(0, 65_535);
    Arbitrary<Integer> slots = Arbitraries.integers().between(0, 2);
    Arbitrary<Op> put = Combinators.combine(keys, values).as(Put::new);
    Arbitrary<Op> delete = keys.map(Delete::new);
    return Arbitraries.frequencyOf(
            Tuple.of(30, put),
            Tuple.of(10, delete),
            Tuple.of(5, Arbitraries.oneOf(put, delete).list().ofMaxSize(6).map(Batch::new)),
            Tuple.of(8, keys.map(Get::new)),
            Tuple.of(4, Combinators.combine(keys, keys, Arbitraries.of(true, false)).as(Scan::new)),
            Tuple.of(4, Combinators.combine(keys, Arbitraries.of(true, false),
                Arbitraries.of(1, -1).list().ofMaxSize(8)).as(Walk::new)),
            Tuple.of(2, slots.map(TakeSnapshot::new)),
            Tuple.of(4, Combinators.combine(slots, keys).as(SnapshotGet::new)),
            Tuple.of(1, slots.map(ReleaseSnapshot::new)),
            Tuple.of(3, Combinators.combine(keys, keys, values, keys).as(Txn::new)),
            Tuple.of(3, Arbitraries.just(new Flush())),
            Tuple.of(1, Arbitraries.just(new Compact())),
            Tuple.of(1, Arbitraries.just(new Reopen())))
        .list().ofMinSize(1).ofMaxSize(150);
  }

  /** The configurations every program runs under. */
  static Map<String, Options> configurations() {
    Map<String, Options> configs = new java.util.LinkedHashMap<>();
    configs.put("small blocks, leveled, no compression", Options.builder().writeBufferSize(64 << 10)
        .blockSize(256).blockRestartInterval(2).compression(Compression.NONE)
        .compactionStrategy(TestKeys.leveled(2)).build());
    configs.put("default blocks, tiered, lz4", Options.builder().writeBufferSize(64 << 10)
        .compactionStrategy(new CompactionStrategy.Tiered(2, 200, 1, 2)).build());
    configs.put("1 KiB blocks, simple-leveled, zstd, no bloom, no block cache", Options.builder()
        .writeBufferSize(128 << 10).blockSize(1024).blockRestartInterval(16).bloomBitsPerKey(0)
        .blockCacheSize(0).compression(Compression.ZSTD)
        .compactionStrategy(new CompactionStrategy.SimpleLeveled(200, 2, 3)).build());
    configs.put("static leveled, snappy, two compaction threads", Options.builder().writeBufferSize(64 << 10)
        .blockSize(512).compression(Compression.SNAPPY).maxBackgroundJobs(3)
        .compactionStrategy(new CompactionStrategy.Leveled(2, 1L << 20, 2, false)).build());
    return configs;
  }

  @Property(tries = 100)
  void everyConfigurationHasTheModelsHistory(@ForAll("programs") List<Op> program) throws IOException {
    check(program);
  }

  @Property(tries = 1000)
  @Tag("slow")
  void everyConfigurationHasTheModelsHistoryLongRun(@ForAll("programs") List<Op> program) throws IOException {
    check(program);
  }

  private static void check(List<Op> program) throws IOException {
    List<String> expected = new ModelRun().run(program);
    for (Map.Entry<String, Options> config : configurations().entrySet()) {
      List<String> actual = DbRun.run(program, config.getValue());
      for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
        if (!expected.get(i).equals(actual.get(i))) {
          assertEquals(expected.get(i), actual.get(i), "configuration '" + config.getKey() + "', step " + i + ": "
              + (i < program.size() ? program.get(i) : "final full scan"));
        }
      }
      assertEquals(expected.size(), actual.size(), "configuration '" + config.getKey() + "'");
    }
  }

  /** The model: a sorted map with snapshots as copies. */
  private static final class ModelRun {
    private TreeMap<Integer, byte[]> data = new TreeMap<>();
    private final Map<Integer, TreeMap<Integer, byte[]>> snapshots = new HashMap<>();

    List<String> run(List<Op> program) {
      List<String> history = new ArrayList<>();
      for (Op op : program) {
        history.add(apply(op));
      }
      history.add(scan(data, 0, KEYS, false));
      return history;
    }

    private String apply(Op op) {
      if (op instanceof Put p) {
        data.put(p.key(), value(p.value()));
      } else if (op instanceof Delete d) {
        data.remove(d.key());
      } else if (op instanceof Batch b) {
        b.ops().forEach(this::apply);
      } else if (op instanceof Get g) {
        return show(data.get(g.key()));
      } else if (op instanceof Scan s) {
        return scan(data, s.lower(), s.upper(), s.reverse());
      } else if (op instanceof Walk w) {
        return walk(w);
      } else if (op instanceof TakeSnapshot t) {
        snapshots.put(t.slot(), new TreeMap<>(data));
      } else if (op instanceof SnapshotGet g) {
        TreeMap<Integer, byte[]> at = snapshots.get(g.slot());
        return at == null ? "no snapshot" : show(at.get(g.key()));
      } else if (op instanceof ReleaseSnapshot r) {
        snapshots.remove(r.slot());
      } else if (op instanceof Txn t) {
        String read = show(data.get(t.readKey()));
        data.put(t.key(), value(t.value()));
        data.remove(t.deleteKey());
        return read;
      } else if (op instanceof Reopen) {
        snapshots.clear(); // snapshots end with the DB that took them
        return "reopened";
      }
      return "";
    }

    private String walk(Walk w) {
      // Keys are ordered by their encoding, which is monotonic in k for k < 43.
      Integer at = w.forPrev() ? data.floorKey(w.target()) : data.ceilingKey(w.target());
      StringBuilder sb = new StringBuilder();
      for (int move : w.moves()) {
        sb.append(at == null ? "-" : at + "=" + show(data.get(at))).append(' ');
        if (at == null) {
          break;
        }
        at = move > 0 ? data.higherKey(at) : data.lowerKey(at);
      }
      return sb.append(at == null ? "-" : at + "=" + show(data.get(at))).toString();
    }
  }

  static String scan(NavigableMap<Integer, byte[]> map, int lower, int upper, boolean reverse) {
    int lo = Math.min(lower, upper);
    int hi = Math.max(lower, upper);
    NavigableMap<Integer, byte[]> range = map.subMap(lo, true, hi, false);
    StringBuilder sb = new StringBuilder();
    (reverse ? range.descendingMap() : range).forEach((k, v) -> sb.append(k).append('=').append(show(v)).append(' '));
    return sb.toString();
  }

  /** The engine under one configuration. */
  private static final class DbRun {
    static List<String> run(List<Op> program, Options options) throws IOException {
      Path dir = Files.createTempDirectory("strata-metamorphic");
      Db[] db = {Db.open(dir, options)};
      Map<Integer, Snapshot> snapshots = new HashMap<>();
      List<String> history = new ArrayList<>();
      try {
        for (Op op : program) {
          history.add(apply(db, op, snapshots, dir, options));
        }
        history.add(scan(db[0], 0, KEYS, false));
      } finally {
        snapshots.values().forEach(Snapshot::close);
        db[0].close();
        try (Stream<Path> paths = Files.walk(dir)) {
          for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        }
      }
      return history;
    }

    private static String apply(Db[] db, Op op, Map<Integer, Snapshot> snapshots, Path dir, Options options) {
      Db d = db[0];
      if (op instanceof Put p) {
        d.put(key(p.key()), value(p.value()));
      } else if (op instanceof Delete del) {
        d.delete(key(del.key()));
      } else if (op instanceof Batch b) {
        WriteBatch batch = new WriteBatch();
        for (Op inner : b.ops()) {
          if (inner instanceof Put p) {
            batch.put(key(p.key()), value(p.value()));
          } else if (inner instanceof Delete del) {
            batch.delete(key(del.key()));
          }
        }
        d.write(batch);
      } else if (op instanceof Get g) {
        return show(d.get(key(g.key())));
      } else if (op instanceof Scan s) {
        return scan(d, s.lower(), s.upper(), s.reverse());
      } else if (op instanceof Walk w) {
        return walk(d, w);
      } else if (op instanceof TakeSnapshot t) {
        Snapshot old = snapshots.put(t.slot(), d.getSnapshot());
        if (old != null) {
          old.close();
        }
      } else if (op instanceof SnapshotGet g) {
        Snapshot at = snapshots.get(g.slot());
        return at == null ? "no snapshot" : show(d.get(key(g.key()), ReadOptions.snapshot(at)));
      } else if (op instanceof ReleaseSnapshot r) {
        Snapshot old = snapshots.remove(r.slot());
        if (old != null) {
          old.close();
        }
      } else if (op instanceof Txn t) {
        try (Transaction txn = d.beginTransaction(TransactionOptions.of(IsolationLevel.SERIALIZABLE))) {
          String read = show(txn.get(key(t.readKey())));
          txn.put(key(t.key()), value(t.value()));
          txn.delete(key(t.deleteKey()));
          txn.commit(); // alone, so it never conflicts
          return read;
        }
      } else if (op instanceof Flush) {
        d.flush();
      } else if (op instanceof Compact) {
        d.compactRange();
      } else if (op instanceof Reopen) {
        snapshots.values().forEach(Snapshot::close); // snapshots end with the DB that took them
        snapshots.clear();
        d.close();
        db[0] = Db.open(dir, options);
        return "reopened";
      }
      return "";
    }

    private static String scan(Db d, int lower, int upper, boolean reverse) {
      int lo = Math.min(lower, upper);
      int hi = Math.max(lower, upper);
      StringBuilder sb = new StringBuilder();
      try (DbIterator it = d.scan(Bound.inclusive(key(lo)), Bound.exclusive(key(hi)))) {
        if (reverse) {
          for (it.seekToLast(); it.isValid(); it.prev()) {
            sb.append(it.key()[1]).append('=').append(show(it.value())).append(' ');
          }
        } else {
          for (; it.isValid(); it.next()) {
            sb.append(it.key()[1]).append('=').append(show(it.value())).append(' ');
          }
        }
      }
      return sb.toString();
    }

    private static String walk(Db d, Walk w) {
      StringBuilder sb = new StringBuilder();
      try (DbIterator it = d.newIterator()) {
        if (w.forPrev()) {
          it.seekForPrev(key(w.target()));
        } else {
          it.seek(key(w.target()));
        }
        for (int move : w.moves()) {
          sb.append(it.isValid() ? it.key()[1] + "=" + show(it.value()) : "-").append(' ');
          if (!it.isValid()) {
            break;
          }
          if (move > 0) {
            it.next();
          } else {
            it.prev();
          }
        }
        sb.append(it.isValid() ? it.key()[1] + "=" + show(it.value()) : "-");
      }
      return sb.toString();
    }
  }
}
