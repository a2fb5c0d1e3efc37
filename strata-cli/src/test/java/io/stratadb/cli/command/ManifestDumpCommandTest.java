package io.stratadb.cli.command;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.Db;
import io.stratadb.Options;
import io.stratadb.cli.CliRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestDumpCommandTest {

  @TempDir Path db;

  /** A manifest of five edits: the new database's snapshot, its first WAL, three flushes (three L0 tables). */
  private Path build() throws IOException {
    try (Db d = Db.open(db, Options.defaults())) {
      for (int t = 0; t < 3; t++) {
        d.put(("k" + t).getBytes(UTF_8), ("v" + t).getBytes(UTF_8));
        d.flush();
      }
    }
    try (java.util.stream.Stream<Path> files = Files.list(db)) {
      return files.filter(p -> p.getFileName().toString().startsWith("MANIFEST-")).findFirst().orElseThrow();
    }
  }

  @Test
  void printsEveryEditThenTheCurrentVersion() throws IOException {
    Path manifest = build();
    CliRunner.Result r = CliRunner.runOn(db, "manifest-dump");
    assertEquals(0, r.exitCode(), r.err());
    String[] lines = r.outLines();
    assertEquals("manifest: " + manifest, lines[0]);
    assertTrue(lines[1].matches("edit at offset 0: comparator strata.BytewiseComparator, log number \\d+, "
        + "next file number \\d+, last sequence 0"), lines[1]);
    assertEquals(3, Arrays.stream(lines).filter(l -> l.matches("  add    L0 #\\d+ \\d+ bytes \\['k\\d' @ \\d PUT "
        + "\\.\\. 'k\\d' @ \\d PUT\\]")).count(), r.out());
    assertTrue(r.out().contains("\n  add    L0 #") && r.out().contains("'k2' @ 3 PUT"), r.out());
    assertTrue(r.out().matches("(?s).*current version \\(5 edits, " + Files.size(manifest) + " bytes\\): log "
        + "number \\d+, next file number \\d+, last sequence 3\n  L0: 3 files, \\d+ bytes\n.*"), r.out());
    assertTrue(r.out().contains("  L6: 0 files, 0 bytes\n"), r.out());
    CliRunner.Result byFile = CliRunner.run("manifest-dump", manifest.toString());
    assertEquals(r.out(), byFile.out());
  }

  @Test
  void aTornTailIsReportedAndDropped() throws IOException {
    Path manifest = build();
    byte[] bytes = Files.readAllBytes(manifest);
    Files.write(manifest, Arrays.copyOf(bytes, bytes.length - 3));
    CliRunner.Result r = CliRunner.run("manifest-dump", manifest.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().matches("(?s).*torn tail at offset \\d+: \\d+ bytes dropped, as recovery drops them\n"
        + "current version \\(4 edits.*  L0: 2 files.*"), r.out());
  }

  @Test
  void damageBeforeValidRecordsExitsOneNamingFileAndOffset() throws IOException {
    Path manifest = build();
    VerifyCommandTest.flip(manifest, 10); // inside the first record, at offset 0
    CliRunner.Result r = CliRunner.run("manifest-dump", manifest.toString());
    assertEquals(1, r.exitCode(), r.out());
    assertTrue(r.err().contains("log record corrupt (checksum mismatch) in " + manifest + " at offset 0"), r.err());
  }

  @Test
  void badArgumentsExitWithAMessage() throws IOException {
    CliRunner.Result none = CliRunner.runOn(db.resolve("typo"), "manifest-dump");
    assertEquals(1, none.exitCode());
    assertTrue(none.err().contains("no database at " + db.resolve("typo")), none.err());
    CliRunner.Result missing = CliRunner.run("manifest-dump", db.resolve("MANIFEST-000009").toString());
    assertEquals(1, missing.exitCode());
    assertTrue(missing.err().contains("no such file"), missing.err());
    Path manifest = build();
    CliRunner.Result both = CliRunner.run("manifest-dump", "--db", db.toString(), manifest.toString());
    assertEquals(2, both.exitCode());
    assertTrue(both.err().contains("either --db DIR or a manifest FILE"), both.err());
    Files.writeString(db.resolve("CURRENT"), "garbage");
    CliRunner.Result badCurrent = CliRunner.runOn(db, "manifest-dump");
    assertEquals(1, badCurrent.exitCode());
    assertTrue(badCurrent.err().matches("strata manifest-dump: CURRENT file does not end with a newline in "
        + Pattern.quote(db.resolve("CURRENT").toString()) + " at offset 0\n"), badCurrent.err());
  }
}
