package io.stratadb;

import io.stratadb.iterator.DbIteratorAdapter;
import io.stratadb.iterator.ModelWalk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
 * Model-based test of iterators in both directions: random puts, deletes, flushes and compactions;
 * then iterators over random bounds (live, at an older snapshot, and auto-refreshing) must give
 * backward scans equal to the reversed forward scans, and random mixes of next, prev, seek,
 * seekForPrev, seekToFirst and seekToLast must match a {@link TreeMap} of their point in time, also
 * while more writes, flushes and compactions run and after the snapshot is closed.
 */
class DbIteratorPropertyTest {

  sealed interface Op permits Put, Delete, Flush, CompactAll, Moves {}

  record Put(byte[] key, int valueLength) implements Op {
    @Override
    public String toString() {
      return "Put(" + Arrays.toString(key) + ", " + valueLength + "B)";
    }
  }

  record Delete(byte[] key) implements Op {
    @Override
    public String toString() {
      return "Delete(" + Arrays.toString(key) + ")";
    }
  }

  record Flush() implements Op {}

  record CompactAll() implements Op {}

  /** Random moves, from {@code seed}, on every open iterator. */
  record Moves(long seed) implements Op {}

  /** One end of the iterators' range: null key for unbounded. */
  record End(byte[] key, boolean inclusive) {
    Bound bound() {
      return key == null ? Bound.unbounded() : inclusive ? Bound.inclusive(key) : Bound.exclusive(key);
    }

    @Override
    public String toString() {
      return key == null ? "unbounded" : (inclusive ? "[" : "(") + Arrays.toString(key);
    }
  }

  private static Arbitrary<byte[]> keys() {
    // A small key space so that overwrites, deletes and shadowing across sources are frequent.
    return Arbitraries.integers().between(0, 40).map(i -> i == 0 ? new byte[0]
        : i < 35 ? new byte[] {(byte) (i * 7), (byte) i.intValue()} : new byte[] {(byte) 0xff, (byte) i.intValue()});
  }

  private static Arbitrary<Op> writes() {
    return Arbitraries.frequencyOf(
        Tuple.of(30, Combinators.combine(keys(), Arbitraries.integers().between(0, 120)).as(Put::new)),
        Tuple.of(12, keys().map(Delete::new)),
        Tuple.of(3, Arbitraries.just(new Flush())),
        Tuple.of(1, Arbitraries.just(new CompactAll())));
  }

  @Provide
  Arbitrary<List<Op>> before() {
    return writes().list().ofMaxSize(100);
  }

  @Provide
  Arbitrary<List<Op>> after() {
    Arbitrary<Op> moves = Arbitraries.longs().map(Moves::new);
    return Arbitraries.frequencyOf(Tuple.of(3, writes()), Tuple.of(1, moves)).list().ofMaxSize(40);
  }

  @Provide
  Arbitrary<End> ends() {
    Arbitrary<End> bounded = Combinators.combine(keys(), Arbitraries.of(true, false)).as(End::new);
    return Arbitraries.frequencyOf(Tuple.of(3, bounded), Tuple.of(1, Arbitraries.just(new End(null, false))));
  }

  @Provide
  Arbitrary<CompactionStrategy> strategies() {
    return Arbitraries.of(TestKeys.leveled(2), new CompactionStrategy.Tiered(2, 200, 1, 2),
        new CompactionStrategy.SimpleLeveled(200, 2, 3));
  }

  @Property(tries = 60)
  void iteratorsInBothDirectionsMatchTheModel(@ForAll("before") List<Op> before,
      @ForAll("after") List<Op> after, @ForAll("ends") End lower, @ForAll("ends") End upper,
      @ForAll("strategies") CompactionStrategy strategy) throws IOException {
    run(before, after, lower.bound(), upper.bound(), strategy);
  }

  @Property(tries = 1000)
  @Tag("slow")
  void iteratorsInBothDirectionsMatchTheModelLongRun(@ForAll("before") List<Op> before,
      @ForAll("after") List<Op> after, @ForAll("ends") End lower, @ForAll("ends") End upper,
      @ForAll("strategies") CompactionStrategy strategy) throws IOException {
    run(before, after, lower.bound(), upper.bound(), strategy);
  }

  /** An open iterator and the contents it must show. */
  private record Checked(String name, DbIterator iterator, ModelWalk model) {}

  private static void run(List<Op> before, List<Op> after, Bound lower, Bound upper, CompactionStrategy strategy)
      throws IOException {
    Path dir = Files.createTempDirectory("strata-iter-model");
    Options options = Options.builder().writeBufferSize(64 << 10).blockSize(256).blockRestartInterval(4)
        .compactionStrategy(strategy).build();
    TreeMap<byte[], byte[]> model = new TreeMap<>(Arrays::compareUnsigned);
    int[] puts = {0};
    List<Checked> open = new ArrayList<>();
    try (Db db = Db.open(dir, options)) {
      // the snapshot is taken halfway through the first writes, so it is older than the iterators
      int half = before.size() / 2;
      for (Op op : before.subList(0, half)) {
        apply(db, op, model, puts);
      }
      Snapshot snapshot = db.getSnapshot();
      TreeMap<byte[], byte[]> atSnapshot = new TreeMap<>(model);
      for (Op op : before.subList(half, before.size())) {
        apply(db, op, model, puts);
      }
      ModelWalk live = inRange(model, lower, upper);
      ModelWalk old = inRange(atSnapshot, lower, upper);
      open.add(new Checked("live", db.scan(lower, upper), live));
      open.add(new Checked("snapshot", db.scan(lower, upper, ReadOptions.snapshot(snapshot)), old));
      open.add(new Checked("refreshing",
          db.scan(lower, upper, ReadOptions.defaults().withAutoRefreshMillis(1)), live));
      open.add(new Checked("refreshing snapshot",
          db.scan(lower, upper, ReadOptions.snapshot(snapshot).withAutoRefreshMillis(1)), old));
      for (Checked c : open) {
        checkBothScans(c);
      }
      // The iterators hold their views without the snapshot: the refreshing ones are registered.
      snapshot.close();
      for (Op op : after) {
        if (op instanceof Moves m) {
          for (Checked c : open) {
            try {
              c.model().walk(new DbIteratorAdapter(c.iterator()), new Random(m.seed()), 30, DbIteratorPropertyTest::target);
            } catch (AssertionError e) {
              throw new AssertionError(c.name() + " iterator: " + e.getMessage(), e);
            }
          }
        } else {
          apply(db, op, model, puts);
        }
      }
      // Everything into the last level, so compaction meets every old version the iterators
      // read; then a pause, so the refreshing ones move to those tables on their next call.
      db.flush();
      db.compactRange();
      pause();
      for (Checked c : open) {
        checkBothScans(c);
      }
      try (DbIterator fresh = db.scan(lower, upper)) {
        checkBothScans(new Checked("final", fresh, inRange(model, lower, upper)));
      }
    } finally {
      open.forEach(c -> c.iterator().close());
      deleteRecursively(dir);
    }
  }

  private static void pause() {
    try {
      Thread.sleep(2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** A seek target: a key of the key space, or one just beside it. */
  private static byte[] target(Random random) {
    int i = random.nextInt(41);
    byte[] k = i == 0 ? new byte[0] : i < 35 ? new byte[] {(byte) (i * 7), (byte) i} : new byte[] {(byte) 0xff, (byte) i};
    switch (random.nextInt(4)) {
      case 0:
        return Arrays.copyOf(k, k.length + 1); // just after k
      case 1:
        return k.length == 0 ? k : Arrays.copyOf(k, k.length - 1); // a prefix, before k
      default:
        return k;
    }
  }

  /** Forward scan, then backward scan from seekToLast: both equal the model, one reversed. */
  private static void checkBothScans(Checked c) {
    try {
      c.model().checkForwardScan(new DbIteratorAdapter(c.iterator()));
      c.model().checkBackwardScan(new DbIteratorAdapter(c.iterator()));
    } catch (AssertionError e) {
      throw new AssertionError(c.name() + " iterator: " + e.getMessage(), e);
    }
  }

  private static ModelWalk inRange(TreeMap<byte[], byte[]> model, Bound lower, Bound upper) {
    TreeMap<byte[], byte[]> range = new TreeMap<>(Arrays::compareUnsigned);
    for (Map.Entry<byte[], byte[]> e : model.entrySet()) {
      if (lower.admitsAsLower(e.getKey()) && upper.admitsAsUpper(e.getKey())) {
        range.put(e.getKey(), e.getValue());
      }
    }
    return ModelWalk.of(range);
  }

  private static void apply(Db db, Op op, TreeMap<byte[], byte[]> model, int[] puts) {
    if (op instanceof Put p) {
      // every put writes a distinct value, so a wrong version is always visible
      byte[] value = ByteBuffer.allocate(4 + p.valueLength()).putInt(++puts[0]).array();
      db.put(p.key(), value);
      model.put(p.key(), value);
    } else if (op instanceof Delete d) {
      db.delete(d.key());
      model.remove(d.key());
    } else if (op instanceof Flush) {
      db.flush();
    } else if (op instanceof CompactAll) {
      db.compactRange();
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
