package io.stratadb.cli.command;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.Compression;
import io.stratadb.Db;
import io.stratadb.Options;
import io.stratadb.cli.CliRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SstDumpCommandTest {

  @TempDir Path db;

  private Path table() throws IOException {
    VerifyCommandTest.build(db); // 2000 keys key00000.. in 1 KiB blocks
    return VerifyCommandTest.only(db, ".sst");
  }

  private static String line(CliRunner.Result r, String prefix) {
    return Arrays.stream(r.outLines()).filter(l -> l.startsWith(prefix)).findFirst().orElse("(missing " + prefix + ")");
  }

  @Test
  void printsThePropertiesOfATable() throws IOException {
    Path table = table();
    CliRunner.Result r = CliRunner.run("sst-dump", table.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertEquals("SSTable:            " + table, line(r, "SSTable:"));
    assertEquals("file size:          " + Files.size(table) + " bytes", line(r, "file size:"));
    assertEquals("format version:     1", line(r, "format version:"));
    assertEquals("entries:            2000 (2000 puts, 0 deletes), 2000 distinct user keys", line(r, "entries:"));
    assertEquals("smallest key:       'key00000' @ 1 PUT", line(r, "smallest key:"));
    assertEquals("largest key:        'key01999' @ 2000 PUT", line(r, "largest key:"));
    assertEquals("sequence range:     1 .. 2000", line(r, "sequence range:"));
    assertTrue(line(r, "compression:").matches("compression: +lz4 \\(\\d+ blocks\\)(, none \\(\\d+ blocks?\\))?"),
        line(r, "compression:"));
    assertTrue(line(r, "data blocks:").matches("data blocks: +\\d\\d+, \\d+ bytes stored, \\d+ bytes uncompressed"),
        line(r, "data blocks:"));
    assertTrue(line(r, "bloom filter:").contains("20000 bits, 10.00 bits/key, 7 probes (hash functions), "
        + "estimated false-positive rate 0.819%"), line(r, "bloom filter:"));
    assertFalse(r.out().contains("=>"), "no entries without --entries");
  }

  @Test
  void printsEntriesUpToTheLimitInTextOrHex() throws IOException {
    Path table = table();
    CliRunner.Result r = CliRunner.run("sst-dump", table.toString(), "--entries", "--limit", "2");
    assertEquals(0, r.exitCode(), r.err());
    String[] lines = r.outLines();
    assertEquals("entries:", lines[lines.length - 3]);
    assertEquals("  'key00000' @ 1 PUT => 'value-0'", lines[lines.length - 2]);
    assertEquals("  'key00001' @ 2 PUT => 'value-1'", lines[lines.length - 1]);
    CliRunner.Result hex = CliRunner.run("sst-dump", table.toString(), "--limit", "1", "--hex");
    assertEquals("  0x6b65793030303030 @ 1 PUT => 0x76616c75652d30", hex.outLines()[hex.outLines().length - 1]);
    CliRunner.Result all = CliRunner.run("sst-dump", table.toString(), "--entries");
    assertEquals(2000, Arrays.stream(all.outLines()).filter(l -> l.contains(" PUT => ")).count());
  }

  @Test
  void printsTombstonesAndBinaryKeysEscaped() throws IOException {
    try (Db d = Db.open(db, Options.builder().compression(Compression.NONE).bloomBitsPerKey(0).build())) {
      d.put(new byte[] {0, (byte) 0xff, 'a'}, "tab\there 'q' \\".getBytes(UTF_8));
      d.put("é".getBytes(UTF_8), new byte[0]);
      d.delete("gone".getBytes(UTF_8));
      d.flush();
    }
    CliRunner.Result r = CliRunner.run("sst-dump", VerifyCommandTest.only(db, ".sst").toString(), "--entries");
    assertEquals(0, r.exitCode(), r.err());
    assertEquals("entries:            3 (2 puts, 1 deletes), 3 distinct user keys", line(r, "entries:"));
    assertEquals("compression:        none (1 block)", line(r, "compression:"));
    assertEquals("filter block:       none", line(r, "filter block:"));
    assertTrue(line(r, "bloom filter:").startsWith("bloom filter:       none"), line(r, "bloom filter:"));
    assertTrue(r.out().contains("  '\\x00\\xffa' @ 1 PUT => 'tab\\there \\'q\\' \\\\'\n"), r.out());
    assertTrue(r.out().contains("  'gone' @ 3 DELETE\n"), r.out());
    assertTrue(r.out().contains("  'é' @ 2 PUT => ''\n"), r.out());
  }

  @Test
  void aCorruptBlockExitsOneNamingFileAndOffset() throws IOException {
    Path table = table();
    byte[] bytes = Files.readAllBytes(table);
    int second = 1100; // inside the second data block (blocks are cut at 1 KiB)
    bytes[second] ^= 0x20;
    Files.write(table, bytes);
    CliRunner.Result r = CliRunner.run("sst-dump", table.toString());
    assertEquals(1, r.exitCode(), r.out());
    assertTrue(r.err().matches("strata sst-dump: block checksum mismatch in " + java.util.regex.Pattern.quote(
        table.toString()) + " at offset [1-9]\\d*\n"), r.err());
  }

  @Test
  void aMissingFileOrAFileThatIsNoSstableExitsOne() throws IOException {
    CliRunner.Result missing = CliRunner.run("sst-dump", db.resolve("000001.sst").toString());
    assertEquals(1, missing.exitCode());
    assertTrue(missing.err().contains("no such file: " + db.resolve("000001.sst")), missing.err());

    Path text = db.resolve("notes.txt");
    Files.writeString(text, "x".repeat(100));
    CliRunner.Result notSst = CliRunner.run("sst-dump", text.toString());
    assertEquals(1, notSst.exitCode());
    assertTrue(notSst.err().contains("bad SSTable magic number in " + text + " at offset 92"), notSst.err());

    Files.writeString(text, "short");
    CliRunner.Result tooShort = CliRunner.run("sst-dump", text.toString());
    assertEquals(1, tooShort.exitCode());
    assertTrue(tooShort.err().contains("file too short for an SSTable footer (5 bytes) in " + text + " at offset 0"),
        tooShort.err());

    assertEquals(2, CliRunner.run("sst-dump", text.toString(), "--limit", "-1").exitCode());
  }
}
