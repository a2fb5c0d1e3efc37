package io.stratadb.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.Options;
import io.stratadb.cli.CliRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadCommandTest {

  @TempDir Path tmp;

  private Path db() {
    return tmp.resolve("db");
  }

  private Path file(String name, String content) throws IOException {
    return Files.writeString(tmp.resolve(name), content, StandardCharsets.UTF_8);
  }

  @Test
  void loadsTsvAndScansBackInOrder() throws IOException {
    Path f = file("in.tsv", "banana\tyellow\napple\tred\n\ncherry\tdark\tred\n");
    CliRunner.Result r = CliRunner.runOn(db(), "load", f.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().startsWith("loaded 3 entries (tsv) from "), r.out());
    assertTrue(r.out().contains("entries/s") && r.out().contains("MB/s"), r.out());
    // The value is everything after the first tab, tabs included (which scan escapes).
    assertEquals("apple\tred\nbanana\tyellow\ncherry\tdark\\tred\n", CliRunner.runOn(db(), "scan").out());
  }

  @Test
  void progressBarGoesToStderr() throws IOException {
    Path f = file("in.tsv", "a\t1\nb\t2\n");
    CliRunner.Result r = CliRunner.runOn(db(), "load", f.toString());
    assertEquals(0, r.exitCode());
    assertTrue(r.err().contains("load 100%"), r.err());
    CliRunner.Result quiet = CliRunner.runOn(db(), "load", "--no-progress", f.toString());
    assertEquals("", quiet.err());
  }

  @Test
  void errorStartsOnItsOwnLineAfterTheProgressBar() throws IOException {
    Path f = file("bad.tsv", "a\t1\nb\t2\nc\n");
    CliRunner.Result r = CliRunner.runOn(db(), "load", f.toString());
    assertEquals(1, r.exitCode());
    assertTrue(r.err().startsWith("\rload "), r.err());
    assertTrue(r.err().lines().anyMatch(l -> l.startsWith(f + ":3: missing tab")), r.err());
  }

  @Test
  void loadsJsonLinesDetectedAutomatically() throws IOException {
    Path f = file("in.jsonl", "  {\"key\": \"user:2\", \"value\": \"bob\"}\n"
        + "{\"value\": \"alice\", \"key\": \"user:1\", \"extra\": 7}\r\n"
        + "{\"key\": \"user:3\", \"value\": \"tab\\there, \\u00e9\"}\n");
    CliRunner.Result r = CliRunner.runOn(db(), "load", f.toString(), "--no-progress");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().startsWith("loaded 3 entries (json)"), r.out());
    assertEquals("user:1\talice\nuser:2\tbob\nuser:3\ttab\\there, é\n", CliRunner.runOn(db(), "scan").out());
  }

  @Test
  void formatOptionOverridesDetection() throws IOException {
    Path f = file("odd.tsv", "{brace\tvalue\n");
    assertEquals(1, CliRunner.runOn(db(), "load", f.toString(), "--no-progress").exitCode());
    CliRunner.Result r = CliRunner.runOn(db(), "load", "--format", "TSV", f.toString(), "--no-progress");
    assertEquals(0, r.exitCode(), r.err());
    assertEquals("value\n", CliRunner.runOn(db(), "get", "{brace").out());
    assertEquals(2, CliRunner.runOn(db(), "load", "--format", "xml", f.toString()).exitCode());
  }

  @Test
  void malformedLineStopsTheLoadAndKeepsWhatCameBefore() throws IOException {
    Path f = file("bad.tsv", "k1\tv1\nk2\tv2\njust-a-word\nk4\tv4\n");
    CliRunner.Result r = CliRunner.runOn(db(), "load", f.toString(), "--no-progress");
    assertEquals(1, r.exitCode());
    assertTrue(r.err().startsWith(f + ":3: missing tab"), r.err());
    assertTrue(r.err().contains("2 entries before it were loaded"), r.err());
    assertEquals("", r.out());
    assertEquals("v1\n", CliRunner.runOn(db(), "get", "k1").out());
    assertEquals("v2\n", CliRunner.runOn(db(), "get", "k2").out());
    assertEquals(1, CliRunner.runOn(db(), "get", "k4").exitCode());
  }

  @Test
  void entriesOfEarlierBatchesAndThePendingBatchSurvive() throws IOException {
    Path f = file("bad.jsonl", "{\"key\":\"a\",\"value\":\"1\"}\n{\"key\":\"b\",\"value\":\"2\"}\n"
        + "{\"key\":\"c\",\"value\":\"3\"}\n{\"key\":\"d\",\"value\":\"4\"}\n{\"key\":\"e\",\"value\":\"5\"}\n"
        + "{\"key\":\"f\",\"value\": 6}\n");
    CliRunner.Result r = CliRunner.runOn(db(), "load", f.toString(), "--batch-size", "2", "--no-progress");
    assertEquals(1, r.exitCode());
    assertTrue(r.err().startsWith(f + ":6: \"value\" must be a string"), r.err());
    assertTrue(r.err().contains("5 entries before it were loaded"), r.err());
    assertEquals("a\t1\nb\t2\nc\t3\nd\t4\ne\t5\n", CliRunner.runOn(db(), "scan").out());
  }

  @Test
  void invalidJsonNamesTheLine() throws IOException {
    Path f = file("bad.jsonl", "{\"key\":\"a\",\"value\":\"1\"}\n{\"key\":\"b\",\n");
    CliRunner.Result r = CliRunner.runOn(db(), "load", f.toString(), "--no-progress");
    assertEquals(1, r.exitCode());
    assertTrue(r.err().startsWith(f + ":2: invalid JSON"), r.err());
    assertEquals("1\n", CliRunner.runOn(db(), "get", "a").out());
  }

  @Test
  void keyOverTheMaximumNamesTheLine() throws IOException {
    int max = Options.defaults().maxKeySize();
    Path f = file("big.tsv", "ok\t1\n" + "k".repeat(max + 1) + "\tv\n");
    CliRunner.Result r = CliRunner.runOn(db(), "load", f.toString(), "--no-progress");
    assertEquals(1, r.exitCode());
    assertEquals(f + ":2: key is " + (max + 1) + " bytes, over the maximum of " + max
        + "; stopped there, 1 entries before it were loaded", r.err().strip());
    assertEquals("1\n", CliRunner.runOn(db(), "get", "ok").out());
  }

  @Test
  void missingFileIsReportedWithoutCreatingADatabase() {
    Path missing = tmp.resolve("nope.tsv");
    CliRunner.Result r = CliRunner.runOn(db(), "load", missing.toString());
    assertEquals(1, r.exitCode());
    assertEquals(missing + ": no such file", r.err().strip());
    assertFalse(Files.exists(db()));
  }

  @Test
  void keyOnlyLoadsAWordList() throws IOException {
    Path f = file("words", "zebra\napple\n\nmango\n");
    assertEquals(1, CliRunner.runOn(db(), "load", f.toString(), "--no-progress").exitCode());
    CliRunner.Result r = CliRunner.runOn(db(), "load", "--key-only", f.toString(), "--no-progress");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().startsWith("loaded 3 entries"), r.out());
    assertEquals("apple\t\nmango\t\nzebra\t\n", CliRunner.runOn(db(), "scan").out());
  }

  @Test
  void aNonEmptyDirectoryWithoutADatabaseGetsNoneWithoutCreate() throws IOException {
    Path f = file("in.tsv", "k\tv\n");
    Path dir = Files.createDirectories(tmp.resolve("photos"));
    Files.writeString(dir.resolve("holiday.jpg"), "not a database");
    CliRunner.Result r = CliRunner.runOn(dir, "load", f.toString(), "--no-progress");
    assertEquals(1, r.exitCode());
    assertTrue(r.err().contains("holds files but no database"), r.err());
    assertFalse(Files.exists(dir.resolve("CURRENT")));
    assertEquals(0, CliRunner.runOn(dir, "load", f.toString(), "--no-progress", "--create").exitCode());
    assertEquals("v\n", CliRunner.runOn(dir, "get", "k").out());
  }

  @Test
  void invalidUtf8NamesTheLine() throws IOException {
    Path f = tmp.resolve("latin1.tsv");
    Files.write(f, new byte[] {'a', '\t', '1', '\n', 'b', '\t', (byte) 0xE9, '\n'});
    CliRunner.Result r = CliRunner.runOn(db(), "load", f.toString(), "--no-progress");
    assertEquals(1, r.exitCode());
    assertTrue(r.err().startsWith(f + ":2: not valid UTF-8"), r.err());
    assertEquals("1\n", CliRunner.runOn(db(), "get", "a").out());
  }
}
