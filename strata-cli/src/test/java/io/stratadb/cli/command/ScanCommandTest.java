package io.stratadb.cli.command;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.stratadb.Bound;
import io.stratadb.Db;
import io.stratadb.DbIterator;
import io.stratadb.Options;
import io.stratadb.cli.CliRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScanCommandTest {

  @TempDir Path db;

  @BeforeEach
  void fill() {
    // Put out of order, then delete one: the scan must come back sorted without it.
    for (String k : new String[] {"d", "a", "c", "e", "b", "f"}) {
      assertEquals(0, CliRunner.runOn(db, "put", k, "v-" + k).exitCode());
    }
    assertEquals(0, CliRunner.runOn(db, "delete", "e").exitCode());
  }

  @Test
  void scanPrintsEverythingInOrder() {
    CliRunner.Result r = CliRunner.runOn(db, "scan");
    assertEquals(0, r.exitCode());
    assertEquals("a\tv-a\nb\tv-b\nc\tv-c\nd\tv-d\nf\tv-f\n", r.out());
  }

  @Test
  void fromIsInclusiveAndToIsExclusive() {
    assertEquals("b\tv-b\nc\tv-c\n", CliRunner.runOn(db, "scan", "--from", "b", "--to", "d").out());
    assertEquals("d\tv-d\nf\tv-f\n", CliRunner.runOn(db, "scan", "--from", "cc").out());
    assertEquals("a\tv-a\n", CliRunner.runOn(db, "scan", "--to", "b").out());
    assertEquals("", CliRunner.runOn(db, "scan", "--from", "x").out());
  }

  @Test
  void limitStopsEarly() {
    assertEquals("b\tv-b\nc\tv-c\n", CliRunner.runOn(db, "scan", "--from", "b", "--limit", "2").out());
    assertEquals("", CliRunner.runOn(db, "scan", "--limit", "0").out());
    assertEquals(5, CliRunner.runOn(db, "scan", "--limit", "100").outLines().length);
  }

  @Test
  void negativeLimitIsAUsageError() {
    CliRunner.Result r = CliRunner.runOn(db, "scan", "--limit", "-1");
    assertEquals(2, r.exitCode());
    assertEquals("", r.out());
  }

  /** Every entry of the database at {@code dir}, as "key => value" in hex, in order. */
  private static List<String> entries(Path dir) {
    List<String> out = new ArrayList<>();
    try (Db d = Db.open(dir, Options.defaults());
        DbIterator it = d.scan(Bound.unbounded(), Bound.unbounded())) {
      for (; it.isValid(); it.next()) {
        out.add(HexFormat.of().formatHex(it.key()) + " => " + HexFormat.of().formatHex(it.value()));
      }
    }
    return out;
  }

  /**
   * {@code scan | load} gives back the same database (issue 21, item 10): keys and values with
   * tabs, line breaks, backslashes, quotes, control characters, non-ASCII text and bytes that are
   * not UTF-8 survive, in each output form.
   */
  @ParameterizedTest
  @CsvSource({"'', escaped", "--hex, hex", "--base64, base64"})
  void scanOutputLoadsBackExactly(String scanOption, String loadFormat, @TempDir Path tmp) throws IOException {
    Path source = tmp.resolve("source");
    byte[][] awkward = {
      "tab\tin key".getBytes(UTF_8), "new\nline".getBytes(UTF_8), "back\\slash\\".getBytes(UTF_8),
      "cr\r\n".getBytes(UTF_8), "it's \"quoted\"".getBytes(UTF_8), "caf\u00e9 \u6771\u4eac".getBytes(UTF_8),
      {(byte) 0xff, (byte) 0xfe, 0, 1, 0x7f}, {'x', (byte) 0xc3}, {'\\', 'x', '4', '1'}, {},
    };
    try (Db d = Db.open(source, Options.defaults())) {
      for (int i = 0; i < awkward.length; i++) {
        d.put(awkward[i].length == 0 ? new byte[] {'e'} : awkward[i], awkward[(i + 3) % awkward.length]);
      }
    }
    CliRunner.Result scan = scanOption.isEmpty() ? CliRunner.runOn(source, "scan")
        : CliRunner.runOn(source, "scan", scanOption);
    assertEquals(0, scan.exitCode(), scan.err());
    assertEquals(awkward.length, scan.outLines().length, "one line per entry:\n" + scan.out());
    Path dump = Files.writeString(tmp.resolve("dump.txt"), scan.out(), UTF_8);
    Path copy = tmp.resolve("copy");
    CliRunner.Result load = CliRunner.runOn(copy, "load", "--format", loadFormat, dump.toString(), "--no-progress");
    assertEquals(0, load.exitCode(), load.err());
    assertEquals(entries(source), entries(copy));
  }

  @Test
  void escapingIsCStyle() {
    assertEquals(0, CliRunner.runOn(db, "put", "a\tb", "1\\2\n").exitCode());
    assertEquals("a\\tb\t1\\\\2\\n\n", CliRunner.runOn(db, "scan", "--from", "a\tb", "--to", "b").out());
  }
}
