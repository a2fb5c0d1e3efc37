package io.stratadb.cli.stress;

import io.stratadb.Bound;
import io.stratadb.Db;
import io.stratadb.DbIterator;
import io.stratadb.IsolationLevel;
import io.stratadb.ReadOptions;
import io.stratadb.Snapshot;
import io.stratadb.Transaction;
import io.stratadb.TransactionConflictException;
import io.stratadb.TransactionOptions;
import io.stratadb.WriteBatch;
import io.stratadb.WriteOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One worker thread of the crash test's child in ops mode (RocksDB db_stress's {@code
 * StressTest::OperateDb}): forever picks a random operation, in ten thousand: put 3590, delete 1000,
 * write batch 1500, transaction 500, get 2000, iterator scan 700, snapshot read 700, flush 7,
 * compactRange 3 (both block the caller and stall writers; memtables fill, flush and compact on
 * their own every thousand writes or so anyway).
 *
 * <p>Every write locks its keys ({@link StressKeyLocks}), logs its begin line, calls the database,
 * logs the acknowledgement and updates the in-memory expected state, then unlocks. Reads check
 * what they can while the child runs and log a {@code V} line for anything wrong:
 *
 * <ul>
 *   <li>a get under the key's lock must return the last acknowledged write;
 *   <li>a transaction's reads of its locked keys likewise, and its commit must not conflict (no
 *       one else writes locked keys);
 *   <li>a scan (forward or backward, sometimes with auto refresh) at a snapshot must return
 *       ordered, well-formed entries that agree with gets at the same snapshot, skipping no key;
 *   <li>a snapshot taken under a key's lock must still read that key's then value some operations
 *       later.
 * </ul>
 *
 * <p>Not thread-safe: one instance per thread. {@link #run()} throws only on a database or log
 * failure, which the child treats as fatal.
 */
final class StressOpsWorker implements Runnable {
  private static final int MAX_SCAN = 20;
  private static final int MAX_GAP_PROBES = 64;

  private final Db db;
  private final StressLog log;
  private final StressExpectedState expected;
  private final StressKeyLocks locks;
  private final StressSettings settings;
  private final int cycle;
  private final AtomicLong opIds;
  private final Random random;

  /** The snapshot read in progress: taken, to be checked after {@link #snapshotCountdown} ops. */
  private Snapshot snapshot;
  private String snapshotKey;
  private String snapshotTag;
  private int snapshotCountdown;

  /**
   * Creates a worker.
   *
   * @param db the database
   * @param log the expected-state log
   * @param expected the expected state, shared by the workers (entries guarded by the key locks)
   * @param locks the key locks, shared by the workers
   * @param settings the run's settings
   * @param cycle the cycle number, which goes into the value tags
   * @param opIds the op number source, shared by the workers
   * @param seed this thread's random seed
   */
  StressOpsWorker(Db db, StressLog log, StressExpectedState expected, StressKeyLocks locks, StressSettings settings,
      int cycle, AtomicLong opIds, long seed) {
    this.db = db;
    this.log = log;
    this.expected = expected;
    this.locks = locks;
    this.settings = settings;
    this.cycle = cycle;
    this.opIds = opIds;
    this.random = new Random(seed);
  }

  /** Runs random operations until the process dies. */
  @Override
  public void run() {
    try {
      while (true) {
        step();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One random operation, then the pending snapshot check if it is due. */
  private void step() throws IOException {
    int r = random.nextInt(10_000);
    if (r < 3590) {
      write("put", randomKeys(1));
    } else if (r < 4590) {
      write("delete", randomKeys(1));
    } else if (r < 6090) {
      write("batch", randomKeys(2 + random.nextInt(5)));
    } else if (r < 6590) {
      write("txn", randomKeys(1 + random.nextInt(4)));
    } else if (r < 8590) {
      get(random.nextInt(settings.keys()));
    } else if (r < 9290) {
      scan();
    } else if (r < 9990) {
      takeSnapshot();
    } else if (r < 9997) {
      db.flush();
    } else {
      compactRange();
    }
    if (snapshot != null && --snapshotCountdown <= 0) {
      checkSnapshot();
    }
  }

  /** Distinct random key indexes, ascending. */
  private int[] randomKeys(int count) {
    return random.ints(0, settings.keys()).distinct().limit(Math.min(count, settings.keys())).sorted().toArray();
  }

  /**
   * Writes the keys {@code indexes} as one op of {@code kind} under their locks: {@code put} and
   * {@code delete} one key; {@code batch} and {@code txn} put (three in four) or delete each key.
   */
  private void write(String kind, int[] indexes) throws IOException {
    locks.lock(indexes);
    try {
      long id = opIds.incrementAndGet();
      String tag = StressValues.tag(cycle, id);
      Map<String, String> writes = new LinkedHashMap<>();
      for (int index : indexes) {
        boolean delete = kind.equals("delete") || (!kind.equals("put") && random.nextInt(4) == 0);
        writes.put(StressValues.key(index), delete ? null : tag);
      }
      StressOp op = new StressOp(id, kind, random.nextInt(100) < settings.syncPercent(), writes);
      log.begin(op);
      boolean applied = kind.equals("txn") ? commitTransaction(op) : apply(op);
      if (applied) {
        log.ack(id);
        op.writes().forEach(expected::set);
      } else {
        log.abort(id);
      }
    } finally {
      locks.unlock(indexes);
    }
  }

  /** Applies a put, delete or batch op with one database call. */
  private boolean apply(StressOp op) {
    WriteOptions options = WriteOptions.of(op.sync());
    if (op.kind().equals("batch")) {
      WriteBatch batch = new WriteBatch();
      op.writes().forEach((key, tag) -> {
        if (tag == null) {
          batch.delete(bytes(key));
        } else {
          batch.put(bytes(key), value(key, tag));
        }
      });
      db.write(batch, options);
    } else {
      Map.Entry<String, String> w = op.writes().entrySet().iterator().next();
      if (w.getValue() == null) {
        db.delete(bytes(w.getKey()), options);
      } else {
        db.put(bytes(w.getKey()), value(w.getKey(), w.getValue()), options);
      }
    }
    return true;
  }

  /**
   * Applies a txn op as an optimistic transaction at a random isolation level, first reading each
   * key through it (which must return the expected state). Returns false if the commit conflicted,
   * which it must not: the keys are locked. Both findings are logged as violations.
   */
  private boolean commitTransaction(StressOp op) throws IOException {
    IsolationLevel isolation = random.nextBoolean() ? IsolationLevel.SNAPSHOT : IsolationLevel.SERIALIZABLE;
    try (Transaction txn = db.beginTransaction(TransactionOptions.of(isolation, op.sync()))) {
      for (Map.Entry<String, String> w : op.writes().entrySet()) {
        String key = w.getKey();
        check(key, expected.get(key), txn.get(bytes(key)), "transaction read of a locked key");
        if (w.getValue() == null) {
          txn.delete(bytes(key));
        } else {
          txn.put(bytes(key), value(key, w.getValue()));
        }
      }
      try {
        txn.commit();
        return true;
      } catch (TransactionConflictException e) {
        String key = op.writes().keySet().iterator().next();
        log.violation(key, "commit", "conflict", isolation + " transaction on keys no one else wrote (locked) "
            + "aborted: " + e.getMessage());
        return false;
      }
    }
  }

  /** Reads key {@code index} under its lock: it must hold the last acknowledged write. */
  private void get(int index) throws IOException {
    locks.lock(index);
    try {
      String key = StressValues.key(index);
      check(key, expected.get(key), db.get(bytes(key)), "get under the key lock");
    } finally {
      locks.unlock(index);
    }
  }

  /** Logs a violation unless {@code found} is the value of {@code tag} (null: absent). */
  private void check(String key, String tag, byte[] found, String what) throws IOException {
    if (!Arrays.equals(found, StressValues.valueOrNull(key, tag, settings.valueSize()))) {
      log.violation(key, tag == null ? "absent" : tag, StressValues.describe(key, found, settings.valueSize()),
          what + " did not return the last acknowledged write");
    }
  }

  /**
   * Scans up to {@value #MAX_SCAN} entries from a random key, forward or backward, at a snapshot
   * (with auto refresh one time in four), checking order, well-formed values, agreement with gets
   * at the snapshot, and that no key between two returned ones (or before the first) is present.
   */
  private void scan() throws IOException {
    try (Snapshot snap = db.getSnapshot()) {
      ReadOptions at = ReadOptions.snapshot(snap);
      ReadOptions iterating = random.nextInt(4) == 0 ? at.withAutoRefreshMillis(1) : at;
      boolean forward = random.nextBoolean();
      int start = random.nextInt(settings.keys());
      int previous = forward ? start - 1 : start + 1;
      int[] probes = {MAX_GAP_PROBES};
      try (DbIterator it = db.newIterator(iterating)) {
        if (forward) {
          it.seek(bytes(StressValues.key(start)));
        } else {
          it.seekForPrev(bytes(StressValues.key(start)));
        }
        for (int n = 0; n < MAX_SCAN && it.isValid(); n++) {
          String key = new String(it.key(), StandardCharsets.ISO_8859_1);
          int index = StressValues.keyIndex(key);
          if (index < 0 || index >= settings.keys()) {
            log.violation(key.isEmpty() ? "(empty)" : key.replace(' ', '_'), "a-key-of-the-key-space", "foreign-key",
                "iterator returned a key never written");
            return;
          }
          if (forward ? index <= previous : index >= previous) {
            log.violation(key, (forward ? "a-key-after-index-" : "a-key-before-index-") + previous, key,
                "iterator out of order (or seek landed on the wrong side of its target)");
            return;
          }
          byte[] value = it.value();
          if (StressValues.tagOf(key, value, settings.valueSize()) == null) {
            log.violation(key, "a-value-of-" + key, StressValues.describe(key, value, settings.valueSize()),
                "iterator returned a malformed value");
          }
          byte[] got = db.get(it.key(), at);
          if (!Arrays.equals(value, got)) {
            log.violation(key, StressValues.describe(key, value, settings.valueSize()),
                StressValues.describe(key, got, settings.valueSize()), "iterator and get at one snapshot disagree");
          }
          probeGap(previous, index, at, probes);
          previous = index;
          if (forward) {
            it.next();
          } else {
            it.prev();
          }
        }
        if (!it.isValid()) {
          probeGap(previous, forward ? settings.keys() : -1, at, probes);
        }
      }
    }
  }

  /**
   * Checks that the keys strictly between indexes {@code from} and {@code to} (either order) are
   * absent at the snapshot, as the iterator skipped them; at most {@code budget[0]} gets in all.
   */
  private void probeGap(int from, int to, ReadOptions at, int[] budget) throws IOException {
    int step = to > from ? 1 : -1;
    for (int i = from + step; i != to && budget[0] > 0; i += step) {
      if (i < 0 || i >= settings.keys()) {
        continue;
      }
      budget[0]--;
      String key = StressValues.key(i);
      byte[] got = db.get(bytes(key), at);
      if (got != null) {
        log.violation(key, "absent(skipped-by-iterator)", StressValues.describe(key, got, settings.valueSize()),
            "iterator skipped a key that get finds at the same snapshot");
      }
    }
  }

  /** Takes a snapshot under a random key's lock and remembers that key's then expected value. */
  private void takeSnapshot() {
    if (snapshot != null) {
      return;
    }
    int index = random.nextInt(settings.keys());
    locks.lock(index);
    try {
      snapshotKey = StressValues.key(index);
      snapshotTag = expected.get(snapshotKey);
      snapshot = db.getSnapshot();
    } finally {
      locks.unlock(index);
    }
    snapshotCountdown = 1 + random.nextInt(50);
  }

  /** Reads the snapshot's key by get and by iterator: both must return its value at the snapshot. */
  private void checkSnapshot() throws IOException {
    try (Snapshot snap = snapshot) {
      ReadOptions at = ReadOptions.snapshot(snap);
      check(snapshotKey, snapshotTag, db.get(bytes(snapshotKey), at), "get at a snapshot taken under the key lock");
      try (DbIterator it = db.newIterator(at)) {
        it.seek(bytes(snapshotKey));
        byte[] found = it.isValid() && Arrays.equals(it.key(), bytes(snapshotKey)) ? it.value() : null;
        check(snapshotKey, snapshotTag, found, "iterator seek at a snapshot taken under the key lock");
      }
    } finally {
      snapshot = null;
    }
  }

  /** Compacts a random key range, or everything one time in ten. */
  private void compactRange() {
    if (random.nextInt(10) == 0) {
      db.compactRange();
      return;
    }
    int[] range = randomKeys(2);
    if (range.length < 2) {
      db.compactRange();
      return;
    }
    db.compactRange(Bound.inclusive(bytes(StressValues.key(range[0]))),
        Bound.inclusive(bytes(StressValues.key(range[1]))));
  }

  /** The value the write tagged {@code tag} stores under {@code key}. */
  private byte[] value(String key, String tag) {
    return StressValues.value(key, tag, settings.valueSize());
  }

  /** The ASCII bytes of a key. */
  private static byte[] bytes(String key) {
    return key.getBytes(StandardCharsets.US_ASCII);
  }
}
