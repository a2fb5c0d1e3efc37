package io.stratadb.compaction;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.env.ForwardingFileSystem;
import io.stratadb.env.ForwardingWritableFile;
import io.stratadb.env.LocalFileSystem;
import io.stratadb.env.WritableFile;
import io.stratadb.iterator.InternalIterator;
import io.stratadb.key.InternalKey;
import io.stratadb.key.ValueType;
import io.stratadb.manifest.FileMetadata;
import io.stratadb.manifest.FileNames;
import io.stratadb.sstable.TableReader;
import io.stratadb.util.Slice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableSinkTest {
  private static final TableSink.TableSettings SETTINGS = new TableSink.TableSettings(1024, 16, 10);

  @TempDir Path dir;
  private final AtomicLong numbers = new AtomicLong(100);

  private TableSink sink(long targetFileSize) {
    return new TableSink(LocalFileSystem.INSTANCE, dir, SETTINGS, numbers::getAndIncrement, targetFileSize);
  }

  private static byte[] ikey(String user, long seq) {
    return InternalKey.encode(user.getBytes(UTF_8), seq, ValueType.PUT);
  }

  /** Every entry of the given tables, in order, as "user@seq:TYPE". */
  private List<String> read(List<FileMetadata> tables) {
    List<String> out = new ArrayList<>();
    for (FileMetadata f : tables) {
      TableReader reader = TableReader.open(LocalFileSystem.INSTANCE, FileNames.table(dir, f.number()), f.number());
      try (InternalIterator it = reader.iterator()) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          out.add(InternalKey.toString(it.key()));
        }
      } finally {
        reader.release();
      }
    }
    return out;
  }

  /** Adds {@code count} keys with 40-byte values and returns them as "user@seq:TYPE". */
  private static List<String> addKeys(TableSink sink, int count) throws IOException {
    List<String> written = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] k = ikey(String.format("key%05d", i), 1);
      sink.add(k, new byte[40]);
      written.add(InternalKey.toString(k));
    }
    return written;
  }

  @Test
  void splitsOutputsAtTheTargetSize() throws IOException {
    TableSink sink = sink(8 << 10);
    List<String> written = addKeys(sink, 2_000);
    List<FileMetadata> outputs = sink.finish();
    assertTrue(outputs.size() > 5, "outputs: " + outputs.size());
    assertEquals(written, read(outputs), "every entry once, in order");
    for (int i = 0; i < outputs.size(); i++) {
      FileMetadata f = outputs.get(i);
      assertEquals(100 + i, f.number(), "numbers come from the supplier, in order");
      assertEquals(Files.size(FileNames.table(dir, f.number())), f.size());
      if (i < outputs.size() - 1) {
        assertTrue(f.size() >= 8 << 10, "a table is cut only once it reaches the target: " + f.size());
        assertTrue(f.size() < 12 << 10, "and soon after: " + f.size());
        assertTrue(InternalKey.compareUserKeys(f.largest(), outputs.get(i + 1).smallest()) < 0,
            "outputs form a sorted run");
      }
    }
    assertEquals(outputs.size(), sink.allocatedNumbers().size());
  }

  @Test
  void neverSplitsBetweenVersionsOfOneUserKey() throws IOException {
    TableSink sink = sink(4 << 10);
    List<String> written = new ArrayList<>();
    for (String user : new String[] {"a", "hot", "z"}) {
      int versions = user.equals("hot") ? 500 : 50;
      for (int seq = versions; seq >= 1; seq--) {
        byte[] k = ikey(user, seq);
        sink.add(k, new byte[100]);
        written.add(InternalKey.toString(k));
      }
    }
    List<FileMetadata> outputs = sink.finish();
    assertEquals(written, read(outputs));
    assertEquals(3, outputs.size(), "one table per user key: each key alone passes the target");
    for (int i = 0; i + 1 < outputs.size(); i++) {
      assertFalse(InternalKey.sameUserKey(outputs.get(i).largest(), outputs.get(i + 1).smallest()),
          "tables " + i + " and " + (i + 1) + " share a user key");
    }
    FileMetadata hot = outputs.get(1);
    assertEquals("hot@500:PUT", InternalKey.toString(hot.smallest()));
    assertEquals("hot@1:PUT", InternalKey.toString(hot.largest()));
  }

  @Test
  void viewsIntoAReusedBufferSplitAtUserKeysAndAreCopied() throws IOException {
    // As a flush hands in a memtable iterator's views: the same slices, re-pointed at one buffer
    // the source overwrites, so the sink must remember the last user key by copy. The user keys
    // have one length, so a kept view would show the new key and never differ from it.
    TableSink sink = sink(4 << 10);
    byte[] buffer = new byte[256];
    Slice key = new Slice();
    Slice value = new Slice();
    List<String> written = new ArrayList<>();
    for (String user : new String[] {"aaa", "hot", "zzz"}) {
      for (int seq = 60; seq >= 1; seq--) {
        byte[] k = ikey(user, seq);
        Arrays.fill(buffer, (byte) seq);
        System.arraycopy(k, 0, buffer, 3, k.length);
        key.set(buffer, 3, k.length);
        value.set(buffer, 100, 100);
        sink.add(key, value);
        written.add(InternalKey.toString(k));
      }
    }
    Arrays.fill(buffer, (byte) 0);
    List<FileMetadata> outputs = sink.finish();
    assertEquals(written, read(outputs));
    assertEquals(3, outputs.size(), "a new table at each user key once the target is passed");
    assertEquals("aaa@60:PUT", InternalKey.toString(outputs.get(0).smallest()));
    assertEquals("hot@1:PUT", InternalKey.toString(outputs.get(1).largest()));
    assertEquals("zzz@60:PUT", InternalKey.toString(outputs.get(2).smallest()));
  }

  @Test
  void unlimitedTargetWritesOneTable() throws IOException {
    TableSink sink = sink(Long.MAX_VALUE);
    for (int i = 0; i < 3_000; i++) {
      sink.add(ikey(String.format("k%05d", i), 1), new byte[50]);
    }
    List<FileMetadata> outputs = sink.finish();
    assertEquals(1, outputs.size());
    assertArrayEquals(ikey("k00000", 1), outputs.get(0).smallest());
    assertArrayEquals(ikey("k02999", 1), outputs.get(0).largest());
  }

  @Test
  void nothingAddedWritesNothing() throws IOException {
    TableSink sink = sink(1 << 10);
    assertTrue(sink.finish().isEmpty());
    assertTrue(sink.allocatedNumbers().isEmpty());
    try (var files = Files.list(dir)) {
      assertEquals(0, files.count());
    }
  }

  @Test
  void abandonDeletesFinishedAndUnfinishedTables() throws IOException {
    TableSink sink = sink(2 << 10);
    for (int i = 0; i < 500; i++) {
      sink.add(ikey(String.format("key%05d", i), 1), new byte[40]);
    }
    assertTrue(sink.allocatedNumbers().size() > 2, "some tables finished, one in progress");
    sink.abandon(new IOException("test"));
    try (var files = Files.list(dir)) {
      assertEquals(0, files.count());
    }
  }

  /** Records the order of syncs and closes per file; the sync of {@code failing} (a file name) fails. */
  private static final class SyncRecordingFileSystem extends ForwardingFileSystem {
    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    volatile String failing;

    @Override
    public WritableFile newWritableFile(Path path) throws IOException {
      String name = path.getFileName().toString();
      return new ForwardingWritableFile(super.newWritableFile(path)) {
        @Override
        public void sync() throws IOException {
          if (name.equals(failing)) {
            throw new IOException("injected sync failure on " + name);
          }
          super.sync();
          events.add("sync " + name);
        }

        @Override
        public void close() throws IOException {
          super.close();
          events.add("close " + name);
        }
      };
    }
  }

  @Test
  void withASyncerEveryTableIsSyncedAndClosedBeforeFinishReturns() throws IOException {
    SyncRecordingFileSystem fs = new SyncRecordingFileSystem();
    ExecutorService syncer = Executors.newSingleThreadExecutor();
    try {
      TableSink sink = new TableSink(fs, dir, SETTINGS, numbers::getAndIncrement, 8 << 10, syncer);
      List<String> written = addKeys(sink, 2_000);
      List<FileMetadata> outputs = sink.finish();
      assertTrue(outputs.size() > TableSink.MAX_PENDING_SYNCS + 2, "outputs: " + outputs.size());
      for (FileMetadata f : outputs) {
        String name = FileNames.table(dir, f.number()).getFileName().toString();
        int sync = fs.events.indexOf("sync " + name);
        assertTrue(sync >= 0 && fs.events.indexOf("close " + name) > sync, name + ": " + fs.events);
      }
      assertEquals(written, read(outputs));
    } finally {
      syncer.shutdown();
    }
  }

  @Test
  void aFailedBackgroundSyncFailsFinishAndAbandonDeletesEveryTable() throws IOException {
    SyncRecordingFileSystem fs = new SyncRecordingFileSystem();
    fs.failing = FileNames.table(dir, 101).getFileName().toString(); // the second table
    ExecutorService syncer = Executors.newSingleThreadExecutor();
    try {
      TableSink sink = new TableSink(fs, dir, SETTINGS, numbers::getAndIncrement, 8 << 10, syncer);
      IOException failure = null;
      try {
        addKeys(sink, 2_000);
        sink.finish();
      } catch (IOException e) {
        failure = e;
      }
      assertTrue(failure != null && failure.getMessage().contains("injected sync failure"), String.valueOf(failure));
      assertTrue(fs.events.contains("close " + fs.failing), "the failed table's file is closed: " + fs.events);
      sink.abandon(failure);
      for (long number : sink.allocatedNumbers()) {
        assertFalse(Files.exists(FileNames.table(dir, number)), "table " + number + " deleted");
      }
    } finally {
      syncer.shutdown();
    }
  }

  @Test
  void aSyncerThatRejectsTheSyncLeavesNoFileOpen() throws IOException {
    SyncRecordingFileSystem fs = new SyncRecordingFileSystem();
    ExecutorService syncer = Executors.newSingleThreadExecutor();
    syncer.shutdown();
    TableSink sink = new TableSink(fs, dir, SETTINGS, numbers::getAndIncrement, 8 << 10, syncer);
    RejectedExecutionException failure = assertThrows(RejectedExecutionException.class, () -> {
      addKeys(sink, 2_000);
      sink.finish();
    });
    String first = FileNames.table(dir, 100).getFileName().toString();
    assertTrue(fs.events.contains("close " + first), "the finished table's file is closed: " + fs.events);
    sink.abandon(failure);
    for (long number : sink.allocatedNumbers()) {
      assertFalse(Files.exists(FileNames.table(dir, number)), "table " + number + " deleted");
    }
  }
}
