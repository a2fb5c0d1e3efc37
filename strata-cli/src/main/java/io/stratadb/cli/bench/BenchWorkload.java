package io.stratadb.cli.bench;

import io.stratadb.DbIterator;
import io.stratadb.Transaction;
import io.stratadb.TransactionConflictException;
import io.stratadb.TransactionOptions;
import java.nio.ByteBuffer;

import java.util.Arrays;
import java.util.Locale;

/**
 * The db_bench workloads. Each runs on one {@link BenchThread} and does {@code num / threads}
 * operations; everything it does is inside the timed region, and each operation ends with {@link
 * BenchThread#opDone()}, which records its latency.
 */
enum BenchWorkload {
  /** Puts keys in ascending order; each thread writes its own contiguous slice of [0, num). */
  FILLSEQ(true, true, false) {
    @Override
    void run(BenchThread t) {
      long ops = t.config.opsPerThread();
      long base = t.id * ops;
      for (long i = 0; i < ops; i++) {
        t.put(base + i);
      }
    }
  },
  /** Puts random keys into a fresh database. */
  FILLRANDOM(true, true, false) {
    @Override
    void run(BenchThread t) {
      putRandom(t);
    }
  },
  /** Puts random keys into the existing database. */
  OVERWRITE(false, true, false) {
    @Override
    void run(BenchThread t) {
      putRandom(t);
    }
  },
  /** Gets random keys; reports how many were found. */
  READRANDOM(false, false, true) {
    @Override
    void run(BenchThread t) {
      readRandom(t);
    }
  },
  /**
   * db_bench's readwhilewriting: thread 0 puts random keys for as long as the others run
   * readrandom; only the readers are measured. Needs at least two threads.
   */
  READWHILEWRITING(false, false, true) {
    @Override
    void run(BenchThread t) {
      if (t.id == 0) {
        t.measured = false;
        while (t.readersRunning.get() > 0) {
          t.engine.put(t.key(t.randomKeyNumber()), t.value());
        }
        return;
      }
      try {
        readRandom(t);
      } finally {
        t.readersRunning.decrementAndGet();
      }
    }
  },
  /** Iterates from the first key, reading up to num / threads entries. */
  READSEQ(false, false, false) {
    @Override
    void run(BenchThread t) {
      try (DbIterator it = t.engine.newCursor()) {
        it.seekToFirst();
        long ops = t.config.opsPerThread();
        for (long i = 0; i < ops && it.isValid(); i++, it.next()) {
          t.bytes += it.key().length + it.value().length;
          t.opDone();
        }
      }
    }
  },
  /** Iterates backward from the last key, reading up to num / threads entries. */
  READREVERSE(false, false, false) {
    @Override
    void run(BenchThread t) {
      try (DbIterator it = t.engine.newCursor()) {
        it.seekToLast();
        long ops = t.config.opsPerThread();
        for (long i = 0; i < ops && it.isValid(); i++, it.prev()) {
          t.bytes += it.key().length + it.value().length;
          t.opDone();
        }
      }
    }
  },
  /** Seeks to a random key with a new iterator, then reads up to 10 more entries; counts hits. */
  SEEKRANDOM(false, false, true) {
    @Override
    void run(BenchThread t) {
      long ops = t.config.opsPerThread();
      for (long i = 0; i < ops; i++) {
        try (DbIterator it = t.engine.newCursor()) {
          byte[] target = t.key(t.randomKeyNumber());
          it.seek(target);
          if (it.isValid() && Arrays.equals(it.key(), target)) {
            t.found++;
          }
          for (int j = 0; j <= NEXTS_PER_SEEK && it.isValid(); j++) {
            t.bytes += it.key().length + it.value().length;
            if (j < NEXTS_PER_SEEK) {
              it.next();
            }
          }
        }
        t.opDone();
      }
    }
  },
  /** Deletes random keys. */
  DELETERANDOM(false, true, false) {
    @Override
    void run(BenchThread t) {
      long ops = t.config.opsPerThread();
      for (long i = 0; i < ops; i++) {
        byte[] key = t.key(t.randomKeyNumber());
        t.engine.delete(key);
        t.opDone();
      }
    }
  },
  /**
   * Read-modify-write transactions: each reads a random key of the first {@code txnKeys}, then
   * writes it back with a counter incremented, retrying on {@link TransactionConflictException};
   * an operation is one committed transaction, and every conflict counts as an abort.
   */
  TXN(false, true, false) {
    @Override
    void run(BenchThread t) {
      TransactionOptions options = TransactionOptions.of(t.config.isolation(), t.config.writeOptions().sync());
      long ops = t.config.opsPerThread();
      for (long i = 0; i < ops; i++) {
        byte[] key = t.key(t.randomKeyNumber(t.config.txnKeys()));
        while (true) {
          try (Transaction txn = t.engine.strata().beginTransaction(options)) {
            byte[] old = txn.get(key);
            byte[] value = t.value();
            long counter = old == null || old.length < Long.BYTES ? 0 : ByteBuffer.wrap(old).getLong();
            if (value.length >= Long.BYTES) {
              ByteBuffer.wrap(value).putLong(counter + 1);
            }
            txn.put(key, value);
            txn.commit();
            t.bytes += key.length + value.length;
            break;
          } catch (TransactionConflictException e) {
            t.aborts++;
          }
        }
        t.opDone();
      }
    }
  };

  /** Entries read after each seek by {@link #SEEKRANDOM}. */
  static final int NEXTS_PER_SEEK = 10;

  private final boolean freshDb;
  private final boolean writes;
  private final boolean reportsFound;

  BenchWorkload(boolean freshDb, boolean writes, boolean reportsFound) {
    this.freshDb = freshDb;
    this.writes = writes;
    this.reportsFound = reportsFound;
  }

  /** Performs the thread's share of the workload, counting into {@code t}. */
  abstract void run(BenchThread t);

  /** The db_bench name, e.g. {@code fillseq}. */
  String benchName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether the workload starts from an empty database (db_bench's {@code fresh_db}). */
  boolean freshDb() {
    return freshDb;
  }

  /** Whether it writes (the level shape is printed after it). */
  boolean writes() {
    return writes;
  }

  /** Whether its report says "(N of M found)". */
  boolean reportsFound() {
    return reportsFound;
  }

  /**
   * The workload named {@code name} (case-insensitive).
   *
   * @throws IllegalArgumentException if there is none
   */
  static BenchWorkload named(String name) {
    for (BenchWorkload w : values()) {
      if (w.benchName().equalsIgnoreCase(name.strip())) {
        return w;
      }
    }
    throw new IllegalArgumentException("unknown benchmark '" + name + "'");
  }

  private static void readRandom(BenchThread t) {
    long ops = t.config.opsPerThread();
    for (long i = 0; i < ops; i++) {
      byte[] key = t.key(t.randomKeyNumber());
      byte[] value = t.engine.get(key);
      if (value != null) {
        t.found++;
        t.bytes += key.length + value.length;
      }
      t.opDone();
    }
  }

  private static void putRandom(BenchThread t) {
    long ops = t.config.opsPerThread();
    for (long i = 0; i < ops; i++) {
      t.put(t.randomKeyNumber());
    }
  }
}
