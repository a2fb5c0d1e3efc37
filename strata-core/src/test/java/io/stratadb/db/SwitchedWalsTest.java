package io.stratadb.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.env.ForwardingFileSystem;
import io.stratadb.env.WritableFile;
import io.stratadb.record.LogWriter;
import io.stratadb.statistics.Statistics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link SwitchedWals}: a switch ({@code add}) and a flush ({@code closeObsolete}) do not wait for
 * a running fsync, and the order holds: a later {@code syncAll} returns only after every WAL added
 * before it is fsynced.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SwitchedWalsTest {
  /** A WAL file that records its fsyncs and closes, and whose fsync of WAL 1 waits for {@link #release}. */
  private static final class Wal implements WritableFile {
    final int number;
    final List<String> events;
    final CountDownLatch syncing;
    final CountDownLatch release;
    int closes;

    Wal(int number, List<String> events, CountDownLatch syncing, CountDownLatch release) {
      this.number = number;
      this.events = events;
      this.syncing = syncing;
      this.release = release;
    }

    @Override
    public void append(byte[] data, int off, int len) {}

    @Override
    public void flush() {}

    @Override
    public void sync() throws IOException {
      if (number == 1) {
        syncing.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          throw new java.io.InterruptedIOException();
        }
      }
      events.add("sync " + number);
    }

    @Override
    public long size() {
      return 0;
    }

    @Override
    public synchronized void close() {
      closes++;
      events.add("close " + number);
    }
  }

  private final List<String> events = Collections.synchronizedList(new ArrayList<>());
  private final CountDownLatch syncing = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private final SwitchedWals wals = new SwitchedWals(new ForwardingFileSystem() {
    @Override
    public void syncDirectory(Path dir) {
      events.add("sync directory");
    }
  }, Path.of("unused"), new Statistics(false));

  private Wal wal(int number) {
    return new Wal(number, events, syncing, release);
  }

  @Test
  void aSwitchDuringAnFsyncDoesNotWaitAndTheNextSyncCoversIt() throws Exception {
    Wal first = wal(1);
    wals.add(1, new LogWriter(first));
    CompletableFuture<Void> syncer = CompletableFuture.runAsync(() -> syncAll());
    syncing.await();
    Wal second = wal(2);
    returnsWhileTheFsyncIsHeld(() -> wals.add(2, new LogWriter(second)));
    assertTrue(wals.pending());
    CompletableFuture<Void> later = CompletableFuture.runAsync(() -> syncAll());
    Thread.sleep(50); // room for a sync that would not wait for the held one
    assertFalse(later.isDone(), "a later sync returned before WAL 1 was fsynced");
    release.countDown();
    syncer.get();
    later.get();
    assertFalse(wals.pending());
    assertTrue(events.indexOf("sync 1") < events.indexOf("sync 2"), events.toString());
    assertTrue(events.indexOf("sync 2") < events.lastIndexOf("sync directory"), events.toString());
    assertEquals(1, first.closes);
    assertEquals(1, second.closes);
  }

  @Test
  void aWalMadeObsoleteDuringItsFsyncIsClosedOnceByTheSyncer() throws Exception {
    Wal first = wal(1);
    Wal second = wal(2);
    wals.add(1, new LogWriter(first));
    wals.add(2, new LogWriter(second));
    CompletableFuture<Void> syncer = CompletableFuture.runAsync(() -> syncAll());
    syncing.await();
    returnsWhileTheFsyncIsHeld(() -> { // a flush recorded log number 3: both are obsolete
      try {
        wals.closeObsolete(3);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    assertEquals(0, first.closes, "closed while its fsync runs");
    assertEquals(1, second.closes);
    assertEquals(-1, wals.appendedBytes(1));
    release.countDown();
    syncer.get();
    assertEquals(1, first.closes);
    assertEquals(1, second.closes);
    assertFalse(events.contains("sync 2"), "an obsolete WAL is not fsynced: " + events);
  }

  /** Runs {@code action} on another thread; fails (and lets the fsync go) if it waits for the fsync. */
  private void returnsWhileTheFsyncIsHeld(Runnable action) throws Exception {
    try {
      // Not a speed check: before the fix the call waited until the release, which never came.
      CompletableFuture.runAsync(action).get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      release.countDown();
      throw new AssertionError("waited for the fsync of WAL 1", e);
    }
  }

  private void syncAll() {
    try {
      wals.syncAll();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
