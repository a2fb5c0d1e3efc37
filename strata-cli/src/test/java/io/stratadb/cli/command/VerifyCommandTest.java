package io.stratadb.cli.command;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.Db;
import io.stratadb.Options;
import io.stratadb.cli.CliRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyCommandTest {

  @TempDir Path db;

  /** A database with one SSTable of 2000 keys in 1 KiB blocks and a few writes in the WAL. */
  static void build(Path dir) {
    try (Db d = Db.open(dir, Options.builder().blockSize(1024).build())) {
      for (int i = 0; i < 2000; i++) {
        d.put(String.format("key%05d", i).getBytes(UTF_8), ("value-" + i).getBytes(UTF_8));
      }
      d.flush();
      d.put("wal-key".getBytes(UTF_8), "in the WAL".getBytes(UTF_8));
    }
  }

  static Path only(Path dir, String suffix) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(suffix)).findFirst().orElseThrow();
    }
  }

  static void flip(Path file, long offset) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    bytes[(int) offset] ^= 0x20;
    Files.write(file, bytes);
  }

  @Test
  void cleanDatabaseExitsZero() {
    build(db);
    CliRunner.Result r = CliRunner.runOn(db, "verify");
    assertEquals(0, r.exitCode(), r.out() + r.err());
    assertTrue(r.out().contains("result: OK"), r.out());
    assertTrue(r.out().contains("1 SSTables"), r.out());
    assertFalse(r.out().contains("damaged:"), r.out());
  }

  @Test
  void damagedBlockIsPrintedWithFileAndOffsetAndExitsOne() throws IOException {
    build(db);
    Path table = only(db, ".sst");
    flip(table, 10); // inside the first data block, at offset 0
    CliRunner.Result r = CliRunner.runOn(db, "verify");
    assertEquals(1, r.exitCode(), r.out());
    assertTrue(r.out().contains("damaged: " + table + " at offset 0: block checksum mismatch"), r.out());
    assertTrue(r.out().contains("result: 1 damaged"), r.out());
    assertTrue(Files.exists(table), "verify changes nothing");
  }

  @Test
  void tornWalTailIsAWarningAndExitsZero() throws IOException {
    build(db);
    Path wal = only(db, ".log");
    byte[] log = Files.readAllBytes(wal);
    Files.write(wal, java.util.Arrays.copyOf(log, log.length - 3));
    CliRunner.Result r = CliRunner.runOn(db, "verify");
    assertEquals(0, r.exitCode(), r.out());
    assertTrue(r.out().contains("warning: " + wal + " at offset 0: torn tail"), r.out());
    assertTrue(r.out().contains("result: OK (1 warnings)"), r.out());
  }

  @Test
  void missingDatabaseExitsOneWithAMessage() {
    CliRunner.Result r = CliRunner.runOn(db.resolve("typo"), "verify");
    assertEquals(1, r.exitCode());
    assertTrue(r.err().contains("no database"), r.err());
  }
}
