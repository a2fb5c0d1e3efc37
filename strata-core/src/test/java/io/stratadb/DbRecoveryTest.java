package io.stratadb;

import static io.stratadb.TestKeys.b;
import static io.stratadb.TestKeys.key;
import static io.stratadb.TestKeys.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.env.FaultInjectionFileSystem;
import io.stratadb.env.LocalFileSystem;
import io.stratadb.env.ReadableFile;
import io.stratadb.manifest.FileNames;
import io.stratadb.record.LogReader;
import io.stratadb.record.LogWriter;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DbRecoveryTest {
  @TempDir Path tmp;

  private Path dir() {
    return tmp.resolve("db");
  }

  private static List<Path> files(Path dir, String suffix) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().collect(Collectors.toList());
    }
  }

  /** Number of keys 0..n-1 readable with value "v{i}", checking they form a prefix. */
  private static int readablePrefix(Db db, int n) {
    int present = 0;
    boolean gap = false;
    for (int i = 0; i < n; i++) {
      byte[] v = db.get(key(i));
      if (v == null) {
        gap = true;
      } else {
        assertFalse(gap, "key " + i + " survived although an earlier write was lost");
        assertEquals("v" + i, s(v));
        present++;
      }
    }
    return present;
  }

  @Test
  void reopenAfterCloseKeepsEverythingAndSequenceContinues() {
    try (Db db = Db.open(dir(), TestKeys.smallOptions())) {
      for (int i = 0; i < 3000; i++) {
        db.put(key(i), b("v" + i));
      }
      db.delete(key(7));
      db.write(new WriteBatch().put(b("batch-a"), b("1")).put(b("batch-b"), b("2")));
    }
    long sequence;
    try (Db db = Db.open(dir(), TestKeys.smallOptions())) {
      assertNull(db.get(key(7)));
      assertEquals("v2999", s(db.get(key(2999))));
      assertEquals("2", s(db.get(b("batch-b"))));
      sequence = db.stats().lastSequence();
      assertEquals(3003, sequence);
      db.put(key(8), b("after reopen"));
    }
    try (Db db = Db.open(dir(), TestKeys.smallOptions())) {
      assertEquals("after reopen", s(db.get(key(8))), "a write after reopen wins over older ones");
      assertEquals(sequence + 1, db.stats().lastSequence());
    }
  }

  @Test
  void processCrashLosesNoAcknowledgedWrite() throws IOException {
    FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
    Options options = TestKeys.smallOptions().toBuilder().fileSystem(fs).build();
    Db db = Db.open(dir(), options);
    for (int i = 0; i < 5000; i++) {
      db.put(key(i), b("v" + i));
    }
    fs.copyAsAfterProcessCrash(dir(), tmp.resolve("crashed"));
    db.close();
    try (Db recovered = Db.open(tmp.resolve("crashed"), TestKeys.smallOptions())) {
      assertEquals(5000, readablePrefix(recovered, 5000));
    }
  }

  @Test
  void powerLossLosesNoSyncedWrite() throws IOException {
    FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
    Options options = TestKeys.smallOptions().toBuilder().fileSystem(fs).build();
    Db db = Db.open(dir(), options);
    for (int i = 0; i < 2000; i++) {
      db.put(key(i), b("v" + i), WriteOptions.syncWrites());
    }
    for (int i = 2000; i < 2500; i++) {
      db.put(key(i), b("v" + i)); // not synced: may be lost, but only as a suffix
    }
    fs.copyAsAfterPowerLoss(dir(), tmp.resolve("powerloss"));
    db.close();
    try (Db recovered = Db.open(tmp.resolve("powerloss"), TestKeys.smallOptions())) {
      int present = readablePrefix(recovered, 2500);
      assertTrue(present >= 2000, "synced writes lost: only " + present + " present");
    }
  }

  @Test
  void syncedWritesInANewWalSurviveAPowerLossThatDropsUnsyncedDirectoryEntries() throws IOException {
    // The power-loss copy drops files created after their directory's last fsync: a synced
    // write is only durable if the new WAL's directory entry was synced too, at open and at
    // every memtable rotation.
    FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
    Options options = TestKeys.smallOptions().toBuilder().fileSystem(fs).build();
    Db db = Db.open(dir(), options);
    db.put(key(0), b("first, into the WAL made at open"), WriteOptions.syncWrites());
    fs.copyAsAfterPowerLoss(dir(), tmp.resolve("after-open"));
    byte[] big = new byte[1000];
    for (int i = 1; i <= 200; i++) { // several 64 KiB memtables: new WALs
      db.put(key(i), big, WriteOptions.syncWrites());
    }
    fs.copyAsAfterPowerLoss(dir(), tmp.resolve("after-rotations"));
    db.close();
    try (Db recovered = Db.open(tmp.resolve("after-open"), TestKeys.smallOptions())) {
      assertEquals("first, into the WAL made at open", s(recovered.get(key(0))));
    }
    try (Db recovered = Db.open(tmp.resolve("after-rotations"), TestKeys.smallOptions())) {
      for (int i = 1; i <= 200; i++) {
        assertEquals(1000, recovered.get(key(i)).length, "synced write " + i);
      }
    }
  }

  @Test
  void tornWalTailIsDroppedAndEarlierRecordsSurvive() throws IOException {
    try (Db db = Db.open(dir(), Options.defaults())) {
      for (int i = 0; i < 100; i++) {
        db.put(key(i), b("v" + i));
      }
    }
    Path wal = files(dir(), ".log").get(0);
    long size = Files.size(wal);
    for (int cut = 1; cut <= 30; cut++) {
      Path copy = tmp.resolve("torn" + cut);
      Files.createDirectories(copy);
      for (Path p : Files.list(dir()).collect(Collectors.toList())) {
        Files.copy(p, copy.resolve(p.getFileName()));
      }
      try (FileChannel ch = FileChannel.open(copy.resolve(wal.getFileName()), StandardOpenOption.WRITE)) {
        ch.truncate(size - cut);
      }
      try (Db db = Db.open(copy, Options.defaults())) {
        assertEquals(99, readablePrefix(db, 100), "cut " + cut + " bytes: only the last record is lost");
      }
    }
  }

  /**
   * A memtable switch leaves the old WAL unsynced, so a power loss can keep a newer WAL that the OS
   * wrote back while losing the older one's tail: replaying the newer one would leave a hole.
   */
  @Test
  void aWalAfterALostTailOfAnOlderWalIsNotReplayed() throws IOException {
    try (Db db = Db.open(dir(), Options.defaults())) {
      for (int i = 0; i < 100; i++) {
        db.put(key(i), b("v" + i));
      }
    }
    Path wal = files(dir(), ".log").get(0);
    long number = FileNames.parse(wal.getFileName().toString()).number();
    List<byte[]> records = new ArrayList<>();
    try (ReadableFile file = LocalFileSystem.INSTANCE.openReadable(wal);
        LogReader reader = new LogReader(file, wal.toString())) {
      for (byte[] r; (r = reader.readRecord()) != null; ) {
        records.add(r);
      }
    }
    assertEquals(100, records.size(), "one record per put");
    Files.delete(wal);
    writeLog(wal, records.subList(0, 60)); // records 60..69: the older WAL's tail, lost
    writeLog(FileNames.log(dir(), number + 100), records.subList(70, 100)); // written back by the OS
    try (Db db = Db.open(dir(), Options.defaults())) {
      assertEquals(60, readablePrefix(db, 100), "the history after a power loss is a prefix");
      db.put(b("after"), b("x"));
    }
    try (Db db = Db.open(dir(), Options.defaults())) {
      assertEquals(60, readablePrefix(db, 100), "the skipped WAL is not replayed at a later open");
      assertEquals("x", s(db.get(b("after"))));
    }
  }

  private static void writeLog(Path path, List<byte[]> records) throws IOException {
    try (LogWriter writer = new LogWriter(LocalFileSystem.INSTANCE.newLogFile(path))) {
      for (byte[] r : records) {
        writer.addRecord(r);
      }
      writer.sync();
    }
  }

  @Test
  void corruptionInTheMiddleOfTheWalIsReportedNotSkipped() throws IOException {
    try (Db db = Db.open(dir(), Options.defaults())) {
      for (int i = 0; i < 100; i++) {
        db.put(key(i), b("v" + i));
      }
    }
    Path wal = files(dir(), ".log").get(0);
    flipByte(wal, Files.size(wal) / 2);
    CorruptionException e = assertThrows(CorruptionException.class, () -> Db.open(dir(), Options.defaults()));
    assertTrue(e.file().endsWith(wal.getFileName().toString()), e.getMessage());
    assertTrue(e.offset() >= 0 && e.offset() <= Files.size(wal) / 2, e.getMessage());
  }

  @Test
  void flippedByteInAnSstableGivesAChecksumErrorNeverWrongData() throws IOException {
    Options options = Options.builder().blockSize(1024).build();
    try (Db db = Db.open(dir(), options)) {
      for (int i = 0; i < 2000; i++) {
        db.put(key(i), b("value-" + i));
      }
      db.flush();
    }
    Path table = files(dir(), ".sst").get(0);
    flipByte(table, 100); // inside the first data block
    try (Db db = Db.open(dir(), options)) {
      CorruptionException e = assertThrows(CorruptionException.class, () -> db.get(key(0)));
      assertTrue(e.file().endsWith(table.getFileName().toString()), e.getMessage());
      assertEquals(0, e.offset());
      assertThrows(CorruptionException.class, () -> {
        try (DbIterator it = db.scan(Bound.unbounded(), Bound.unbounded())) {
          for (; it.isValid(); it.next()) {
            it.key();
          }
        }
      });
      assertEquals("value-1999", s(db.get(key(1999))), "undamaged blocks stay readable");
    }
  }

  @Test
  void orphanTablesFromAnUnfinishedFlushAreDeletedOnOpen() throws IOException {
    try (Db db = Db.open(dir(), Options.defaults())) {
      db.put(b("k"), b("v"));
      db.flush();
    }
    // An output numbered inside what the manifest reserved: one a crashed flush could leave (a
    // file numbered beyond the reservation is kept instead: DbMissingCurrentTest).
    long highest = files(dir(), "").stream().map(p -> p.getFileName().toString())
        .filter(n -> n.endsWith(".sst") || n.endsWith(".log"))
        .mapToLong(n -> Long.parseLong(n.substring(0, n.indexOf('.')))).max().orElseThrow();
    Path orphan = dir().resolve(String.format("%06d.sst", highest + 2));
    Files.write(orphan, new byte[] {1, 2, 3});
    try (Db db = Db.open(dir(), Options.defaults())) {
      assertFalse(Files.exists(orphan));
      assertEquals("v", s(db.get(b("k"))));
    }
  }

  @Test
  void oldWalsAndManifestsAreDeletedOnceObsolete() throws IOException {
    for (int round = 0; round < 3; round++) {
      try (Db db = Db.open(dir(), TestKeys.smallOptions())) {
        for (int i = 0; i < 2000; i++) {
          db.put(key(i), b("v" + i));
        }
      }
    }
    try (Db db = Db.open(dir(), TestKeys.smallOptions())) {
      assertEquals(1, files(dir(), ".log").size(), "recovery flushed the old WALs and deleted them");
      try (Stream<Path> s = Files.list(dir())) {
        assertEquals(1, s.filter(p -> p.getFileName().toString().startsWith("MANIFEST-")).count());
      }
      assertEquals("v1999", s(db.get(key(1999))));
    }
  }

  @Test
  void aFailedFsyncIsNeverRetriedAndTheSyncedWriteIsNotAcknowledged() throws IOException {
    // The fsyncgate lesson: after a failed fsync the kernel may have dropped the dirty pages, so
    // retrying and reporting success would lie. The write fails, the DB refuses further writes,
    // and a power loss then loses exactly the unacknowledged write, nothing acknowledged.
    FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
    Options options = TestKeys.smallOptions().toBuilder().fileSystem(fs).build();
    Db db = Db.open(dir(), options);
    for (int i = 0; i < 50; i++) {
      db.put(key(i), b("v" + i), WriteOptions.syncWrites());
    }
    fs.failSyncs(true);
    StrataIOException e = assertThrows(StrataIOException.class,
        () -> db.put(key(50), b("v50"), WriteOptions.syncWrites()));
    assertTrue(e.getCause().getMessage().contains("Input/output error"), e.getCause().getMessage());
    fs.failSyncs(false);
    assertThrows(StrataIOException.class, () -> db.put(key(51), b("v51"), WriteOptions.syncWrites()),
        "the DB is read-only until reopened");
    assertEquals("v49", s(db.get(key(49))));
    fs.copyAsAfterPowerLoss(dir(), tmp.resolve("after-eio"));
    db.close();
    try (Db recovered = Db.open(tmp.resolve("after-eio"), TestKeys.smallOptions())) {
      assertEquals(50, readablePrefix(recovered, 52), "every acknowledged synced write, and no more");
    }
  }

  @Test
  void fullDiskMakesTheDbFailWritesUntilReopenedAndLosesNothingAcknowledged() {
    FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
    Options options = TestKeys.smallOptions().toBuilder().fileSystem(fs).build();
    Db db = Db.open(dir(), options);
    for (int i = 0; i < 100; i++) {
      db.put(key(i), b("v" + i));
    }
    fs.failWrites(true);
    StrataIOException first = assertThrows(StrataIOException.class, () -> db.put(key(100), b("v100")));
    assertTrue(first.getMessage().contains("No space left"), first.getMessage());
    fs.failWrites(false);
    assertThrows(StrataIOException.class, () -> db.put(key(101), b("v101")), "errors are sticky");
    assertEquals("v99", s(db.get(key(99))), "reads still work");
    db.close();
    try (Db reopened = Db.open(dir(), options)) {
      assertTrue(readablePrefix(reopened, 100) >= 100);
      reopened.put(key(200), b("ok"));
      assertNotNull(reopened.get(key(200)));
    }
  }

  @Test
  void failedBackgroundFlushIsStickyAndReopenRecoversFromTheWal() throws IOException {
    FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
    Options options = TestKeys.smallOptions().toBuilder().fileSystem(fs).build();
    Db db = Db.open(dir(), options);
    for (int i = 0; i < 300; i++) {
      db.put(key(i), b("v" + i));
    }
    fs.failWrites(true);
    assertThrows(StrataIOException.class, db::flush);
    fs.failWrites(false);
    assertThrows(StrataIOException.class, () -> db.put(key(999), b("x")), "errors are sticky");
    db.close();
    try (Db reopened = Db.open(dir(), options)) {
      assertEquals(300, readablePrefix(reopened, 300));
      assertTrue(files(dir(), ".sst").size() <= reopened.stats().levels().get(0).files()
          + reopened.stats().levels().get(1).files(), "no orphan tables are left");
    }
  }

  static void flipByte(Path file, long offset) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
      ch.read(one, offset);
      one.flip();
      byte b = one.get(0);
      one.put(0, (byte) (b ^ 0x5a));
      ch.write(one, offset);
    }
  }
}
