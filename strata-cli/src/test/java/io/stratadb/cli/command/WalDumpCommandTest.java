package io.stratadb.cli.command;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.Db;
import io.stratadb.Options;
import io.stratadb.WriteBatch;
import io.stratadb.cli.CliRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalDumpCommandTest {

  @TempDir Path db;

  /** A WAL of three records: a batch of two, a single put, a delete (closing keeps the WAL). */
  private Path build() throws IOException {
    try (Db d = Db.open(db, Options.defaults())) {
      d.write(new WriteBatch().put("a".getBytes(UTF_8), "1".getBytes(UTF_8)).delete("b".getBytes(UTF_8)));
      d.put(new byte[] {'k', 0}, new byte[] {(byte) 0xc3});
      d.delete("a".getBytes(UTF_8));
    }
    return VerifyCommandTest.only(db, ".log");
  }

  @Test
  void printsEveryRecordWithOffsetSequenceCountAndOps() throws IOException {
    Path wal = build();
    CliRunner.Result r = CliRunner.run("wal-dump", wal.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertEquals(String.join("\n",
        "WAL: " + wal,
        "record at offset 0: sequence 1, count 2",
        "  1 PUT 'a' => '1'",
        "  2 DELETE 'b'",
        "record at offset 27: sequence 3, count 1",
        "  3 PUT 'k\\x00' => '\\xc3'",
        "record at offset 52: sequence 4, count 1",
        "  4 DELETE 'a'",
        "3 records, 4 operations, last sequence 4, " + Files.size(wal) + " bytes") + "\n", r.out());
    CliRunner.Result hex = CliRunner.run("wal-dump", "--hex", wal.toString());
    assertTrue(hex.out().contains("  3 PUT 0x6b00 => 0xc3\n"), hex.out());
  }

  @Test
  void aTornTailIsReportedAndDropped() throws IOException {
    Path wal = build();
    byte[] bytes = Files.readAllBytes(wal);
    Files.write(wal, Arrays.copyOf(bytes, bytes.length - 2));
    CliRunner.Result r = CliRunner.run("wal-dump", wal.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("torn tail at offset 52: " + (bytes.length - 2 - 52) + " bytes dropped, as "
        + "recovery drops them"), r.out());
    assertTrue(r.out().endsWith("2 records, 3 operations, last sequence 3, " + (bytes.length - 2) + " bytes\n"),
        r.out());
  }

  @Test
  void damageBeforeValidRecordsExitsOneNamingFileAndOffset() throws IOException {
    Path wal = build();
    VerifyCommandTest.flip(wal, 30); // inside the second record, at offset 27
    CliRunner.Result r = CliRunner.run("wal-dump", wal.toString());
    assertEquals(1, r.exitCode(), r.out());
    assertTrue(r.out().contains("record at offset 0: sequence 1, count 2"), "records before the damage: " + r.out());
    assertTrue(r.err().contains("log record corrupt (checksum mismatch) in " + wal + " at offset 27"), r.err());
  }

  @Test
  void aMissingFileExitsOne() {
    CliRunner.Result r = CliRunner.run("wal-dump", db.resolve("000003.log").toString());
    assertEquals(1, r.exitCode());
    assertTrue(r.err().contains("no such file: " + db.resolve("000003.log")), r.err());
  }
}
