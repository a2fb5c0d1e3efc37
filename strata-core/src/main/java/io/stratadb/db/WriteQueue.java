package io.stratadb.db;

import io.stratadb.WriteBatch;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
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
 * holds at most 1 MiB of batches (128 KiB more than a small leader's own), and a non-sync leader
 * takes no sync writer (it would not sync for them). Thread-safe.
 */
final class WriteQueue {
  private static final long MAX_GROUP_BYTES = 1 << 20;
  private static final long SMALL_BATCH_BYTES = 128 << 10;

  /** One queued write, or an exclusive action when {@code batch} is null. */
  static final class Writer {
    final WriteBatch batch;
    final boolean sync;
    private final boolean alone;
    /** Created when the writer first has to wait; a writer that never waits costs no condition. */
    private Condition turn;
    private boolean done;
    private RuntimeException error;

    private Writer(WriteBatch batch, boolean sync, boolean alone) {
      this.batch = batch;
      this.sync = sync;
      this.alone = alone;
    }

    /** Wakes the writer if it waits. REQUIRES: lock held. */
    private void wake() {
      if (turn != null) {
        turn.signal();
      }
    }
  }

  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<Writer> queue = new ArrayDeque<>();

  /**
   * Writes {@code batch} as part of a group; {@code commit} runs on the group's leader (possibly
   * another thread) with every member, leader first.
   *
   * @throws RuntimeException whatever {@code commit} threw for the group
   */
  void write(WriteBatch batch, boolean sync, Consumer<List<Writer>> commit) {
    run(new Writer(batch, sync, false), commit);
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
    run(new Writer(batch, sync, true), group -> {
      precondition.run();
      commit.accept(group);
    });
  }

  /** Runs {@code action} alone with the leader's exclusive right (flush, close). */
  void exclusive(Runnable action) {
    run(new Writer(null, false, true), group -> action.run());
  }

  private void run(Writer self, Consumer<List<Writer>> commit) {
    lock.lock();
    try {
      queue.addLast(self);
      while (!self.done && queue.peekFirst() != self) {
        // Checked and awaited under the lock, so a wake-up cannot fall between the two.
        if (self.turn == null) {
          self.turn = lock.newCondition();
        }
        self.turn.awaitUninterruptibly();
      }
      if (self.done) {
        if (self.error != null) {
          throw self.error;
        }
        return;
      }
      List<Writer> group = self.alone ? List.of(self) : group(self);
      RuntimeException failure = null;
      lock.unlock();
      try {
        commit.accept(group);
      } catch (RuntimeException e) {
        failure = e;
      } finally {
        lock.lock();
      }
      for (Writer w : group) {
        queue.pollFirst();
        w.done = true;
        w.error = failure;
        if (w != self) {
          w.wake();
        }
      }
      Writer next = queue.peekFirst();
      if (next != null) {
        next.wake();
      }
      if (failure != null) {
        throw failure;
      }
    } finally {
      lock.unlock();
    }
  }

  /** The leader and the batches behind it that fit its group. REQUIRES: lock held. */
  private List<Writer> group(Writer leader) {
    List<Writer> group = new ArrayList<>();
    long bytes = leader.batch.approximateSizeInBytes();
    long limit = bytes <= SMALL_BATCH_BYTES ? bytes + SMALL_BATCH_BYTES : MAX_GROUP_BYTES;
    for (Writer w : queue) {
      if (w != leader) {
        if (w.alone || (w.sync && !leader.sync)) {
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
