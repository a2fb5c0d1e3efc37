package io.stratadb;

import static io.stratadb.TestKeys.b;
import static io.stratadb.TestKeys.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.admin.DbAdmin;
import io.stratadb.admin.Finding;
import io.stratadb.admin.RepairReport;
import io.stratadb.admin.VerifyReport;
import io.stratadb.env.FaultInjectionFileSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Repair and verify of a database that lost writes made without the WAL in a crash: both find the
 * gap those writes leave in the WAL's sequence numbers where recovery does. Repair applies nothing
 * after it (a logged write after lost ones would give a state the database never was in), unless
 * the tables hold the gap's writes; verify warns that recovery stops there.
 */
@Timeout(300) // seconds; a hang prints every thread's stack (junit-platform.properties)
class DbWithoutWalAdminTest {
  private static final WriteOptions NO_WAL = WriteOptions.withoutWal();

  @TempDir Path tmp;

  /** A crash copy of a database where a logged write follows a lost unlogged one. */
  private Path crashAfterLostUnloggedWrite() throws IOException {
    FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
    Path dir = tmp.resolve("db");
    Path copy = tmp.resolve("copy");
    try (Db db = Db.open(dir, Options.builder().fileSystem(fs).build())) {
      db.put(b("first"), b("1"));
      db.put(b("unlogged"), b("1"), NO_WAL);
      db.put(b("after"), b("1")); // in the WAL, after a write the crash loses
      fs.copyAsAfterProcessCrash(dir, copy);
    }
    return copy;
  }

  private static List<Path> wals(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".log")).sorted().toList();
    }
  }

  @Test
  void repairStopsAtTheGapLostUnloggedWritesLeave() throws Exception {
    Path copy = crashAfterLostUnloggedWrite();
    RepairReport report = DbAdmin.repair(copy, Options.defaults());
    try (Db db = Db.open(copy, Options.defaults())) {
      assertEquals("1", s(db.get(b("first"))));
      assertNull(db.get(b("unlogged")));
      assertNull(db.get(b("after")), "repaired into a state the database never was in");
    }
    assertTrue(report.warnings().stream().anyMatch(f -> f.reason().contains("writes made without the WAL were lost")),
        report.warnings().toString());
  }

  @Test
  void repairGoesOnPastAGapTheTablesHold() throws Exception {
    FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
    Path dir = tmp.resolve("db");
    Path before = tmp.resolve("before");
    Path copy = tmp.resolve("copy");
    try (Db db = Db.open(dir, Options.builder().fileSystem(fs).build())) {
      db.put(b("first"), b("1"));
      db.put(b("unlogged"), b("1"), NO_WAL);
      db.put(b("after"), b("1"));
      fs.copyAsAfterProcessCrash(dir, before); // its WAL has the gap
      db.flush(); // the gap's write is in a table now
      db.put(b("later"), b("1"));
      fs.copyAsAfterProcessCrash(dir, copy);
    }
    for (Path wal : wals(before)) { // as if the crash came before the flushed WAL was deleted
      Path target = copy.resolve(wal.getFileName().toString());
      if (!Files.exists(target)) {
        Files.copy(wal, target);
      }
    }
    assertTrue(wals(copy).size() >= 2, wals(copy).toString());
    DbAdmin.repair(copy, Options.defaults());
    try (Db db = Db.open(copy, Options.defaults())) {
      for (String key : new String[] {"first", "unlogged", "after", "later"}) {
        assertEquals("1", s(db.get(b(key))), key);
      }
    }
  }

  @Test
  void verifyWarnsWhereRecoveryStops() throws Exception {
    Path copy = crashAfterLostUnloggedWrite();
    VerifyReport report = DbAdmin.verify(copy);
    assertTrue(report.damage().isEmpty(), report.damage().toString());
    String wal = wals(copy).get(wals(copy).size() - 1).toString();
    Finding gap = report.warnings().stream().filter(f -> f.reason().contains("recovery stops here"))
        .findFirst().orElseThrow(() -> new AssertionError(report.warnings().toString()));
    assertEquals(wal, gap.file());
    assertTrue(gap.offset() > 0, "offset " + gap.offset());
  }
}
