package io.stratadb;

import static io.stratadb.TestKeys.b;
import static io.stratadb.TestKeys.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Badger's bank test on transactions: threads move money between accounts, each transfer one
 * transaction retried on conflict, while flushes and compactions run; a checker sums every account
 * at snapshots all along. The total never changes, at any snapshot or after reopen.
 */
@Timeout(300) // seconds; a hang prints every thread's stack (junit-platform.properties)
class DbBankTest {
  private static final int ACCOUNTS = 50;
  private static final int INITIAL = 1000;
  private static final int THREADS = 4;
  private static final int TRANSFERS_PER_THREAD = 500;

  @TempDir Path dir;

  private static byte[] account(int i) {
    return b(String.format("account%03d", i));
  }

  /** Padded so that the transfers fill several memtables. */
  private static byte[] money(long amount) {
    return b(String.format("%060d", amount));
  }

  private static long total(Db db, ReadOptions at) {
    long total = 0;
    int accounts = 0;
    try (DbIterator it = db.scan(Bound.unbounded(), Bound.unbounded(), at)) {
      for (; it.isValid(); it.next()) {
        total += Long.parseLong(s(it.value()));
        accounts++;
      }
    }
    assertEquals(ACCOUNTS, accounts);
    return total;
  }

  @ParameterizedTest
  @EnumSource(IsolationLevel.class)
  void totalIsInvariantAtEverySnapshotAndAfterReopen(IsolationLevel isolation) throws Exception {
    Options options = TestKeys.smallOptions().toBuilder()
        .compactionStrategy(TestKeys.leveled(2)).build();
    AtomicInteger conflicts = new AtomicInteger();
    AtomicInteger checks = new AtomicInteger();
    try (Db db = Db.open(dir, options)) {
      WriteBatch init = new WriteBatch();
      for (int i = 0; i < ACCOUNTS; i++) {
        init.put(account(i), money(INITIAL));
      }
      db.write(init);
      AtomicReference<Throwable> failure = new AtomicReference<>();
      AtomicBoolean done = new AtomicBoolean();
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        Random random = new Random(t);
        threads.add(new Thread(() -> {
          try {
            for (int n = 0; n < TRANSFERS_PER_THREAD; n++) {
              int from = random.nextInt(ACCOUNTS);
              int to = (from + 1 + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
              int amount = random.nextInt(100);
              while (true) {
                try (Transaction txn = db.beginTransaction(TransactionOptions.of(isolation))) {
                  long a = Long.parseLong(s(txn.get(account(from))));
                  long c = Long.parseLong(s(txn.get(account(to))));
                  txn.put(account(from), money(a - amount));
                  txn.put(account(to), money(c + amount));
                  txn.commit();
                  break;
                } catch (TransactionConflictException e) {
                  conflicts.incrementAndGet();
                }
              }
            }
          } catch (Throwable e) {
            failure.compareAndSet(null, e);
          }
        }));
      }
      Thread checker = new Thread(() -> {
        try {
          while (!done.get()) {
            try (Snapshot snapshot = db.getSnapshot()) {
              assertEquals((long) ACCOUNTS * INITIAL, total(db, ReadOptions.snapshot(snapshot)));
              checks.incrementAndGet();
            }
          }
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      });
      threads.forEach(Thread::start);
      checker.start();
      for (Thread t : threads) {
        t.join();
      }
      done.set(true);
      checker.join();
      if (failure.get() != null) {
        throw new AssertionError(failure.get());
      }
      assertEquals((long) ACCOUNTS * INITIAL, total(db, ReadOptions.defaults()));
      assertTrue(db.stats().flushCount() > 0, "transfers ran over flushes");
    }
    assertTrue(checks.get() > 0);
    try (Db db = Db.open(dir, options)) {
      assertEquals((long) ACCOUNTS * INITIAL, total(db, ReadOptions.defaults()));
      assertEquals(ACCOUNTS + 2L * THREADS * TRANSFERS_PER_THREAD, db.stats().lastSequence(),
          "every transfer committed exactly once, two writes each; aborted ones wrote nothing");
    }
  }
}
