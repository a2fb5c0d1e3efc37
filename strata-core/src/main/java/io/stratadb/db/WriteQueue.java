package io.stratadb.db;

import io.stratadb.WriteBatch;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Group commit (LevelDB's writer queue in {@code DBImpl::Write}): writers line up; the one at the
 * head becomes the leader, takes the batches queued behind it into its group, and commits the
 * whole group with one WAL write and at most one fsync while the others wait; then every member
 * returns with the group's outcome. Concurrent sync writers therefore share fsyncs.
 *
 * <p>Being the leader is the write path's exclusive right: only the leader touches the WAL and the
 * memtable, and the queue's lock is not held while it does, so new writers keep lining up. A group
 * holds at most 1 MiB of batches (128 KiB more than a small leader's own), a non-sync leader
 * takes no sync writer (it would not sync for them), and writes with and without the WAL are never
 * grouped (a group is one WAL record, or none).
 *
 * <p>Two refinements for sync writers, measured with {@code strata bench --sync --threads 16}:
 *
 * <ul>
 *   <li>A finished group's members are released each by its own {@link LockSupport#unpark}, as
 *       RocksDB's {@code WriteThread::SetState} does, not through a condition of the queue's lock:
 *       with a condition every woken member had to take the lock in turn before it could return,
 *       a chain of context switches as long as the group.
 *   <li>A sync leader waits, before it forms its group, for the writers that were active when the
 *       previous group finished to line up again, at most one recent sync's duration and never
 *       more than {@link #MAX_GATHER_NANOS} (PostgreSQL's {@code commit_delay}, made adaptive:
 *       {@code commit_siblings} is the count of writers seen, the delay ends as soon as they are
 *       all queued). Without it, closed-loop writers split into two groups that take turns: the
 *       members released by one group line up during the next group's fsync and form the group
 *       after it, so each fsync covers about half of them. A lone writer never waits.
 * </ul>
 *
 * <p>Thread-safe. {@code lock} guards the queue and the gathering state; a writer's turn is
 * handed over through its volatile {@code state}.
 */
final class WriteQueue {
  private static final long MAX_GROUP_BYTES = 1 << 20;
  private static final long SMALL_BATCH_BYTES = 128 << 10;
  /** Upper bound of a leader's wait for more writers: a slow disk must not make it long. */
  static final long MAX_GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private static final int WAITING = 0;
  private static final int LEADING = 1;
  private static final int DONE = 2;

  /** One queued write, or an exclusive action when {@code batch} is null. */
  static final class Writer {
    final WriteBatch batch;
    final boolean sync;
    /** Whether the batch goes to the WAL ({@code false}: {@code WriteOptions.withoutWal()}). */
    final boolean wal;
    private final boolean alone;
    private final Thread thread = Thread.currentThread();
    /** WAITING, then LEADING or DONE; written by the handing-over leader. */
    private volatile int state = WAITING;
    /** The group's failure; written before {@code state} becomes DONE. */
    private Throwable error;

    private Writer(WriteBatch batch, boolean sync, boolean wal, boolean alone) {
      this.batch = batch;
      this.sync = sync;
      this.wal = wal;
      this.alone = alone;
    }

    private void handOver(int newState) {
      state = newState;
      LockSupport.unpark(thread);
    }

    /** Parks until the writer's turn comes, uninterruptibly (the interrupt is kept). */
    private int awaitTurn() {
      boolean interrupted = false;
      int s;
      while ((s = state) == WAITING) {
        LockSupport.park(this);
        interrupted |= Thread.interrupted();
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      return s;
    }
  }

  private final ReentrantLock lock = new ReentrantLock();
  /** Signalled when the queue reaches {@code gatherTarget}. */
  private final Condition gathered = lock.newCondition();
  /** Guarded by lock. */
  private final ArrayDeque<Writer> queue = new ArrayDeque<>();
  /** Writers queued when the last group finished, its members included. Guarded by lock. */
  private int activeWriters;
  /** The queue length a gathering leader waits for; 0 when none waits. Guarded by lock. */
  private int gatherTarget;
  /** Moving average of a sync group's commit time, in ns. Guarded by leadership. */
  private long syncNanos;

  /**
   * Writes {@code batch} as part of a group; {@code commit} runs on the group's leader (possibly
   * another thread) with every member, leader first.
   *
   * @throws RuntimeException whatever {@code commit} threw for the group (an {@link Error} too)
   */
  void write(WriteBatch batch, boolean sync, Consumer<List<Writer>> commit) {
    write(batch, sync, true, commit);
  }

  /** As {@link #write(WriteBatch, boolean, Consumer)}, in a group of writers with the same {@code wal}. */
  void write(WriteBatch batch, boolean sync, boolean wal, Consumer<List<Writer>> commit) {
    run(new Writer(batch, sync, wal, false), commit);
  }

  /**
   * Writes {@code batch} in a group of its own: on this thread, with the leader's exclusive right,
   * {@code precondition} runs first (a transaction's conflict check, which must see no write land
   * between it and its own), then {@code commit}.
   *
   * @throws RuntimeException whatever {@code precondition} or {@code commit} threw; if {@code
   *     precondition} threw, nothing was committed
   */
  void writeAlone(WriteBatch batch, boolean sync, Runnable precondition, Consumer<List<Writer>> commit) {
    run(new Writer(batch, sync, true, true), group -> {
      precondition.run();
      commit.accept(group);
    });
  }

  /** Runs {@code action} alone with the leader's exclusive right (flush, close). */
  void exclusive(Runnable action) {
    run(new Writer(null, false, true, true), group -> action.run());
  }

  private void run(Writer self, Consumer<List<Writer>> commit) {
    boolean leading;
    lock.lock();
    try {
      queue.addLast(self);
      leading = queue.peekFirst() == self;
      if (gatherTarget > 0 && queue.size() >= gatherTarget) {
        gathered.signal();
      }
    } finally {
      lock.unlock();
    }
    if (!leading && self.awaitTurn() == DONE) {
      rethrow(self.error);
      return;
    }
    List<Writer> group = formGroup(self);
    Throwable failure = null;
    long start = System.nanoTime();
    try {
      commit.accept(group);
    } catch (RuntimeException | Error e) { // an Error too: members must not wait forever
      failure = e;
    }
    if (self.sync) {
      long took = System.nanoTime() - start;
      syncNanos = syncNanos == 0 ? took : syncNanos + (took - syncNanos) / 4;
    }
    Writer next;
    lock.lock();
    try {
      activeWriters = queue.size();
      for (int i = 0; i < group.size(); i++) {
        queue.pollFirst();
      }
      next = queue.peekFirst();
    } finally {
      lock.unlock();
    }
    // The next leader first: its group need not wait for this one's members to be scheduled.
    if (next != null) {
      next.handOver(LEADING);
    }
    for (int i = 0; i < group.size(); i++) { // indexed: an iterator would be garbage per write
      Writer w = group.get(i);
      if (w != self) {
        w.error = failure;
        w.handOver(DONE);
      }
    }
    rethrow(failure);
  }

  private static void rethrow(Throwable failure) {
    if (failure instanceof RuntimeException e) {
      throw e;
    }
    if (failure instanceof Error e) {
      throw e;
    }
  }

  /** Gathers (see the class comment), then takes the leader's group from the queue's head. */
  private List<Writer> formGroup(Writer leader) {
    if (leader.alone) {
      return List.of(leader);
    }
    lock.lock();
    try {
      int target = activeWriters;
      if (leader.sync && target > 1 && queue.size() < target) {
        long remaining = Math.min(syncNanos, MAX_GATHER_NANOS);
        gatherTarget = target;
        while (queue.size() < target && remaining > 0 && !aloneQueued()) {
          try {
            remaining = gathered.awaitNanos(remaining);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // keep it for the caller; stop waiting
            break;
          }
        }
        gatherTarget = 0;
      }
      return group(leader);
    } finally {
      lock.unlock();
    }
  }

  /** An exclusive action or transaction is queued: no writer behind it can join. REQUIRES: lock held. */
  private boolean aloneQueued() {
    for (Writer w : queue) {
      if (w.alone) {
        return true;
      }
    }
    return false;
  }

  /** The leader and the batches behind it that fit its group. REQUIRES: lock held. */
  private List<Writer> group(Writer leader) {
    if (queue.size() == 1) { // the leader alone, as for every write of a single writer
      return List.of(leader);
    }
    List<Writer> group = new ArrayList<>();
    long bytes = leader.batch.approximateSizeInBytes();
    long limit = bytes <= SMALL_BATCH_BYTES ? bytes + SMALL_BATCH_BYTES : MAX_GROUP_BYTES;
    for (Writer w : queue) {
      if (w != leader) {
        if (w.alone || (w.sync && !leader.sync) || w.wal != leader.wal) {
          break;
        }
        bytes += w.batch.approximateSizeInBytes();
        if (bytes > limit) {
          break;
        }
      }
      group.add(w);
    }
    return group;
  }
}
