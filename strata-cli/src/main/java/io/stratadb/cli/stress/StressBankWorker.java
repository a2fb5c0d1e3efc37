package io.stratadb.cli.stress;

import io.stratadb.Db;
import io.stratadb.IsolationLevel;
import io.stratadb.Transaction;
import io.stratadb.TransactionConflictException;
import io.stratadb.TransactionOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One worker thread of the crash test's child in bank mode (Badger's bank test, {@code badger bank
 * test}): forever moves 1 to 100 units (at most the balance) between two random accounts, each
 * transfer one optimistic {@link Transaction} at a random isolation level, retried from the start
 * on {@link TransactionConflictException}. The same transaction increments this thread's transfer
 * counter ({@link StressValues#counter(int)}), which only this thread writes: its value is logged
 * like an ops-mode write, so the verifier checks that every acknowledged transfer survived the
 * kill, while {@link StressBankCheck} checks that the total of the accounts never changed.
 *
 * <p>Balances and counts are the tags of the values ({@link StressValues}). Not thread-safe: one
 * instance per thread. {@link #run()} returns after logging a violation (a malformed account),
 * and throws on a database or log failure, which the child treats as fatal.
 */
final class StressBankWorker implements Runnable {
  private final Db db;
  private final StressLog log;
  private final StressSettings settings;
  private final String counter;
  private final AtomicLong opIds;
  private final Random random;

  /**
   * Creates a worker.
   *
   * @param db the database
   * @param log the expected-state log
   * @param settings the run's settings ({@code keys} accounts)
   * @param thread this thread's number, which names its counter
   * @param opIds the op number source, shared by the workers
   * @param seed this thread's random seed
   */
  StressBankWorker(Db db, StressLog log, StressSettings settings, int thread, AtomicLong opIds, long seed) {
    this.db = db;
    this.log = log;
    this.settings = settings;
    this.counter = StressValues.counter(thread);
    this.opIds = opIds;
    this.random = new Random(seed);
  }

  /** Runs transfers until the process dies or a violation is logged. */
  @Override
  public void run() {
    try {
      while (transfer()) {
        // Until killed.
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * One transfer, retried until it commits.
   *
   * @return false if a read found a malformed value (logged as a violation)
   */
  private boolean transfer() throws IOException {
    int accounts = settings.keys();
    int fromIndex = random.nextInt(accounts);
    String from = StressValues.account(fromIndex);
    String to = StressValues.account((fromIndex + 1 + random.nextInt(accounts - 1)) % accounts);
    long amount = 1 + random.nextInt(100);
    while (true) {
      boolean sync = random.nextInt(100) < settings.syncPercent();
      IsolationLevel isolation = random.nextBoolean() ? IsolationLevel.SNAPSHOT : IsolationLevel.SERIALIZABLE;
      try (Transaction txn = db.beginTransaction(TransactionOptions.of(isolation, sync))) {
        Long a = read(txn, from, false);
        Long b = read(txn, to, false);
        Long n = read(txn, counter, true);
        if (a == null || b == null || n == null) {
          return false;
        }
        long moved = Math.min(amount, a);
        txn.put(bytes(from), value(from, a - moved));
        txn.put(bytes(to), value(to, b + moved));
        txn.put(bytes(counter), value(counter, n + 1));
        long id = opIds.incrementAndGet();
        log.begin(new StressOp(id, "transfer", sync, Map.of(counter, Long.toString(n + 1))));
        try {
          txn.commit();
          log.ack(id);
          return true;
        } catch (TransactionConflictException e) {
          log.abort(id);
        }
      }
    }
  }

  /**
   * The number a value holds (balance or count), or null after logging a violation if it is
   * missing or malformed. A missing counter is 0 when {@code absentIsZero}.
   */
  private Long read(Transaction txn, String key, boolean absentIsZero) throws IOException {
    byte[] value = txn.get(bytes(key));
    if (value == null && absentIsZero) {
      return 0L;
    }
    String tag = value == null ? null : StressValues.tagOf(key, value, settings.valueSize());
    try {
      return Long.parseLong(tag);
    } catch (NumberFormatException e) {
      log.violation(key, "a-number", StressValues.describe(key, value, settings.valueSize()),
          "transaction read a missing or malformed account or counter");
      return null;
    }
  }

  /** The value holding {@code number} under {@code key}. */
  private byte[] value(String key, long number) {
    return StressValues.value(key, Long.toString(number), settings.valueSize());
  }

  /** The ASCII bytes of a key. */
  private static byte[] bytes(String key) {
    return key.getBytes(StandardCharsets.US_ASCII);
  }
}
