package io.stratadb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;

/**
 * Model-based test: random sequences of put, delete, write batch, flush, reopen, get and scan,
 * checked against a {@link TreeMap} with unsigned byte order after every step.
 */
class DbModelPropertyTest {

  sealed interface Op permits Put, Delete, Batch, Flush, CompactAll, Reopen, Get, Scan {}

  record Put(byte[] key, byte[] value) implements Op {
    @Override
    public String toString() {
      return "Put(" + Arrays.toString(key) + ", " + value.length + "B)";
    }
  }

  record Delete(byte[] key) implements Op {
    @Override
    public String toString() {
      return "Delete(" + Arrays.toString(key) + ")";
    }
  }

  record Batch(List<Op> ops) implements Op {}

  record Flush() implements Op {}

  record CompactAll() implements Op {}

  record Reopen() implements Op {}

  record Get(byte[] key) implements Op {
    @Override
    public String toString() {
      return "Get(" + Arrays.toString(key) + ")";
    }
  }

  record Scan(byte[] lower, boolean lowerInclusive, byte[] upper, boolean upperInclusive) implements Op {}

  private static Arbitrary<byte[]> keys() {
    // A small key space so that overwrites, deletes and shadowing across sources are frequent.
    return Arbitraries.integers().between(0, 60).map(i -> i == 0 ? new byte[0]
        : i < 50 ? new byte[] {(byte) (i * 5), (byte) i.intValue()} : new byte[] {(byte) 0xff, (byte) i.intValue(), 1});
  }

  private static Arbitrary<byte[]> values() {
    return Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(300);
  }

  @Provide
  Arbitrary<List<Op>> programs() {
    Arbitrary<Op> put = Combinators.combine(keys(), values()).as(Put::new);
    Arbitrary<Op> delete = keys().map(Delete::new);
    Arbitrary<Op> batch = Arbitraries.oneOf(put, delete).list().ofMaxSize(8).map(Batch::new);
    Arbitrary<Op> bound = Combinators.combine(keys(), keys(), Arbitraries.of(true, false), Arbitraries.of(true, false))
        .as((a, b, i, j) -> new Scan(a, i, b, j));
    Arbitrary<Op> scan = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, bound),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(new Scan(null, false, null, false))));
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(30, put),
            net.jqwik.api.Tuple.of(10, delete),
            net.jqwik.api.Tuple.of(6, batch),
            net.jqwik.api.Tuple.of(3, Arbitraries.just(new Flush())),
            net.jqwik.api.Tuple.of(1, Arbitraries.just(new CompactAll())),
            net.jqwik.api.Tuple.of(2, Arbitraries.just(new Reopen())),
            net.jqwik.api.Tuple.of(8, keys().map(Get::new)),
            net.jqwik.api.Tuple.of(4, scan))
        .list().ofMinSize(1).ofMaxSize(120);
  }

  @Provide
  Arbitrary<CompactionStrategy> strategies() {
    return Arbitraries.of(
        TestKeys.leveled(2),
        new CompactionStrategy.Leveled(2, 1L << 20, 2, false),
        new CompactionStrategy.Tiered(2, 200, 1, 2),
        new CompactionStrategy.SimpleLeveled(200, 2, 3));
  }

  @Property(tries = 80)
  void dbBehavesLikeASortedMap(@ForAll("programs") List<Op> program,
      @ForAll("strategies") CompactionStrategy strategy) throws IOException {
    run(program, strategy);
  }

  @Property(tries = 2000)
  @Tag("slow")
  void dbBehavesLikeASortedMapLongRun(@ForAll("programs") List<Op> program,
      @ForAll("strategies") CompactionStrategy strategy) throws IOException {
    run(program, strategy);
  }

  private static void run(List<Op> program, CompactionStrategy strategy) throws IOException {
    Path dir = Files.createTempDirectory("strata-model");
    Options options = Options.builder().writeBufferSize(64 << 10).blockSize(256)
        .blockRestartInterval(4).compactionStrategy(strategy).build();
    TreeMap<byte[], byte[]> model = new TreeMap<>(Arrays::compareUnsigned);
    Db db = Db.open(dir, options);
    try {
      for (Op op : program) {
        db = apply(db, op, model, dir, options);
      }
      db.close();
      db = Db.open(dir, options);
      assertSameContents(db, model, new Scan(null, false, null, false));
    } finally {
      db.close();
      deleteRecursively(dir);
    }
  }

  private static Db apply(Db db, Op op, TreeMap<byte[], byte[]> model, Path dir, Options options) {
    if (op instanceof Put p) {
      db.put(p.key(), p.value());
      model.put(p.key(), p.value());
    } else if (op instanceof Delete d) {
      db.delete(d.key());
      model.remove(d.key());
    } else if (op instanceof Batch batch) {
      WriteBatch wb = new WriteBatch();
      for (Op inner : batch.ops()) {
        if (inner instanceof Put p) {
          wb.put(p.key(), p.value());
          model.put(p.key(), p.value());
        } else if (inner instanceof Delete d) {
          wb.delete(d.key());
          model.remove(d.key());
        }
      }
      db.write(wb);
    } else if (op instanceof Flush) {
      db.flush();
    } else if (op instanceof CompactAll) {
      db.compactRange();
    } else if (op instanceof Reopen) {
      db.close();
      return Db.open(dir, options);
    } else if (op instanceof Get g) {
      assertArrayEquals(model.get(g.key()), db.get(g.key()), "get " + Arrays.toString(g.key()));
    } else if (op instanceof Scan scan) {
      assertSameContents(db, model, scan);
    }
    return db;
  }

  private static void assertSameContents(Db db, TreeMap<byte[], byte[]> model, Scan scan) {
    Bound lower = scan.lower() == null ? Bound.unbounded()
        : scan.lowerInclusive() ? Bound.inclusive(scan.lower()) : Bound.exclusive(scan.lower());
    Bound upper = scan.upper() == null ? Bound.unbounded()
        : scan.upperInclusive() ? Bound.inclusive(scan.upper()) : Bound.exclusive(scan.upper());
    List<String> expected = new ArrayList<>();
    for (Map.Entry<byte[], byte[]> e : model.entrySet()) {
      if (lower.admitsAsLower(e.getKey()) && upper.admitsAsUpper(e.getKey())) {
        expected.add(Arrays.toString(e.getKey()) + "=" + Arrays.toString(e.getValue()));
      }
    }
    List<String> actual = new ArrayList<>();
    try (DbIterator it = db.scan(lower, upper)) {
      for (; it.isValid(); it.next()) {
        actual.add(Arrays.toString(it.key()) + "=" + Arrays.toString(it.value()));
      }
    }
    assertEquals(expected, actual, "scan " + scan);
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
