package io.stratadb.cli.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.cli.CliRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strata stress} end to end: child JVMs killed with SIGKILL, recovery verified. Short runs
 * here (a few seconds each); {@link #longOpsRun()} and {@link #longBankRun()} are the opt-in long
 * ones ({@code mvn test -Pslow-tests}).
 */
class StressCommandTest {

  private static final Pattern ACKNOWLEDGED = Pattern.compile("\nacknowledged: +(\\d+) ");

  @TempDir Path tmp;

  /** Four ops cycles: every kill recovers with no violation, every key verified each cycle. */
  @Test
  void opsModeSurvivesEveryKill() throws Exception {
    Path db = tmp.resolve("db");
    CliRunner.Result r = CliRunner.runOn(db, "stress", "--cycles", "4", "--keys", "500", "--kill-min-ms", "150",
        "--kill-max-ms", "400", "--sync-percent", "20", "--seed", "42");
    assertEquals(0, r.exitCode(), r.out() + r.err());
    assertTrue(r.out().contains("seed: 42 (replay with --seed 42)"), r.out());
    assertEquals(4, r.out().lines().filter(l -> l.matches("cycle \\d/4: killed after \\d+ ms; .*; 0 violations"))
        .count(), r.out());
    assertTrue(r.out().contains("\ncycles survived: 4 of 4 run\n"), r.out());
    assertTrue(r.out().contains("\nkeys verified:   2000\n"), "every key of the key space, each cycle: " + r.out());
    assertTrue(r.out().contains("\nviolations:      0\n"), r.out());
    assertTrue(acknowledged(r.out()) > 0, "the children wrote before they were killed: " + r.out());
    assertTrue(Files.isDirectory(db), "an explicit --db stays");
    assertFalse(Files.exists(tmp.resolve("db-expected")), "the verified cycles' files are removed");
  }

  /**
   * Three bank cycles on 20 accounts: the total survives every kill. The kill delays are longer than
   * in ops mode because a cold child's first transactions can take several hundred milliseconds on a
   * loaded 2-core machine, and the test needs some transfers acknowledged.
   */
  @Test
  void bankModeKeepsTheTotalAcrossKills() throws Exception {
    CliRunner.Result r = CliRunner.runOn(tmp.resolve("db"), "stress", "--mode", "bank", "--cycles", "3", "--keys",
        "20", "--threads", "3", "--kill-min-ms", "600", "--kill-max-ms", "1200", "--seed", "7");
    assertEquals(0, r.exitCode(), r.out() + r.err());
    assertEquals(3, r.out().lines().filter(l -> l.matches("cycle \\d/3: killed after \\d+ ms; \\d+ transfers "
        + "acknowledged .* 20 accounts total 20000, 3 counters verified(; tables [^;]*)?; 0 violations")).count(), r.out());
    assertTrue(r.out().contains("\nviolations:      0\n"), r.out());
    assertTrue(acknowledged(r.out()) > 0, r.out());
  }

  /** A directory with files in it is refused: the test must know every write. */
  @Test
  void refusesADatabaseThatAlreadyHoldsData() throws Exception {
    Path db = tmp.resolve("db");
    Files.createDirectories(db);
    Files.writeString(db.resolve("CURRENT"), "MANIFEST-000001\n");
    CliRunner.Result r = CliRunner.runOn(db, "stress", "--cycles", "1");
    assertEquals(1, r.exitCode());
    assertTrue(r.err().contains("is not empty"), r.err());
  }

  /** Out-of-range options exit with 2 before anything runs. */
  @Test
  void badOptionsAreUsageErrors() {
    assertEquals(2, CliRunner.runOn(tmp.resolve("db"), "stress", "--kill-min-ms", "500", "--kill-max-ms", "100")
        .exitCode());
    assertEquals(2, CliRunner.runOn(tmp.resolve("db"), "stress", "--mode", "chaos").exitCode());
    assertEquals(2, CliRunner.runOn(tmp.resolve("db"), "stress", "--mode", "bank", "--keys", "1").exitCode());
    assertEquals(2, CliRunner.runOn(tmp.resolve("db"), "stress", "--sync-percent", "101").exitCode());
    assertEquals(2, CliRunner.runOn(tmp.resolve("db"), "stress", "--cycles", "0").exitCode());
  }

  /** The long crash loop in ops mode: 200 cycles with the default key space and kill delays. */
  @Test
  @Tag("slow")
  void longOpsRun() {
    CliRunner.Result r = CliRunner.runOn(tmp.resolve("db"), "stress", "--cycles", "200");
    assertEquals(0, r.exitCode(), r.out() + r.err());
    assertTrue(r.out().contains("\ncycles survived: 200 of 200 run\n"), r.out());
    assertTrue(r.out().contains("\nviolations:      0\n"), r.out());
  }

  /** The long crash loop in bank mode: 100 cycles on 100 accounts, so that transfers conflict. */
  @Test
  @Tag("slow")
  void longBankRun() {
    CliRunner.Result r = CliRunner.runOn(tmp.resolve("db"), "stress", "--mode", "bank", "--cycles", "100", "--keys",
        "100");
    assertEquals(0, r.exitCode(), r.out() + r.err());
    assertTrue(r.out().contains("\ncycles survived: 100 of 100 run\n"), r.out());
    assertTrue(r.out().contains("\nviolations:      0\n"), r.out());
  }

  /** The acknowledged count of the summary. */
  private static long acknowledged(String out) {
    Matcher m = ACKNOWLEDGED.matcher(out);
    assertTrue(m.find(), out);
    return Long.parseLong(m.group(1));
  }
}
