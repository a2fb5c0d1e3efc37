package io.stratadb.cli.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.Db;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash test's verifier, fed hand-made logs and databases: it accepts exactly the recoveries
 * a process kill allows and names every other one. Each test that expects a violation would fail
 * if the verifier accepted everything.
 */
class StressVerifierTest {
  private static final int SIZE = 40;
  private static final String K0 = StressValues.key(0);
  private static final String K1 = StressValues.key(1);
  private static final String K2 = StressValues.key(2);

  @TempDir Path tmp;

  /** Acknowledged puts, batches with deletes and transactions: the recovered state is accepted and carried over. */
  @Test
  void acceptsTheLastAcknowledgedWriteOfEveryKeyAndCarriesItOver() throws IOException {
    StressVerifier.Result r = verify(Map.of(K0, "c1o1", K1, "c1o2"), Map.of(K0, "c2o2", K2, "c2o3"),
        "B 1 put a " + K0 + "=c2o1", "A 1",
        "B 2 batch s " + K0 + "=c2o2 " + K1 + "=-", "A 2",
        "B 3 txn a " + K2 + "=c2o3", "A 3");
    assertEquals(List.of(), r.violations());
    assertEquals(Map.of(K0, "c2o2", K2, "c2o3"), r.state().asMap());
    assertEquals(3, r.acknowledged());
    assertEquals(1, r.synced());
    assertEquals(0, r.inFlight());
    assertEquals(3, r.keysVerified(), "key space of 3");
    assertEquals(2, r.keysPresent());
  }

  /** An acknowledged synced put missing after recovery. */
  @Test
  void catchesALostAcknowledgedWrite() throws IOException {
    StressVerifier.Result r = verify(Map.of(), Map.of(K0, "c2o1"),
        "B 1 put a " + K0 + "=c2o1", "A 1", "B 2 put s " + K1 + "=c2o2", "A 2");
    StressViolation v = single(r);
    assertEquals(K1, v.key());
    assertEquals("absent", v.found());
    assertTrue(v.expected().startsWith("c2o2 (put op 2 (sync) acknowledged)"), v.expected());
    assertEquals("lost an acknowledged synced write", v.problem());
  }

  /** The expected state says one thing, the database holds another. */
  @Test
  void catchesATamperedExpectedState() throws IOException {
    // The database is right for what happened, but the expected state says key 0 held c1o9.
    StressVerifier.Result r = verify(Map.of(K0, "c1o9"), Map.of(K0, "c1o1"));
    StressViolation v = single(r);
    assertEquals(K0, v.key());
    assertEquals("c1o1", v.found());
    assertEquals("c1o9 (verified after the previous cycle)", v.expected());
    assertEquals("wrong value: not the last acknowledged write", v.problem());
  }

  /** An acknowledged delete whose key still has its old value. */
  @Test
  void catchesAResurrectedDelete() throws IOException {
    StressVerifier.Result r = verify(Map.of(K1, "c1o4"), Map.of(K1, "c1o4"), "B 7 delete a " + K1 + "=-", "A 7");
    StressViolation v = single(r);
    assertEquals("deleted key came back", v.problem());
    assertEquals("c1o4", v.found());
  }

  /** A key in the database that no write put there. */
  @Test
  void catchesAKeyThatWasNeverWritten() throws IOException {
    StressViolation v = single(verify(Map.of(), Map.of(K2, "c1o3")));
    assertEquals(K2, v.key());
    assertTrue(v.problem().startsWith("present although absent before the cycle"), v.problem());
  }

  /** The right tag under the wrong key: the value embeds its key. */
  @Test
  void catchesTheValueOfAnotherKey() throws IOException {
    try (Db db = Db.open(tmp.resolve("db"), StressSettings.engineOptions())) {
      db.put(bytes(K0), StressValues.value(K1, "c1o1", SIZE));
      StressVerifier.Result r = StressVerifier.verify(2, new StressExpectedState(Map.of(K0, "c1o1")), List.of(), db,
          StressValues.KEY_PREFIX, List.of(K0), SIZE);
      assertEquals("c1o1(of:" + K1 + ")", single(r).found());
    }
  }

  /** A write begun but not acknowledged may be lost or kept; what was kept is expected next. */
  @Test
  void anInFlightWriteMayBeAppliedOrNot() throws IOException {
    String[] log = {"B 1 put a " + K0 + "=c2o1", "A 1", "B 2 put a " + K0 + "=c2o2"};
    StressVerifier.Result lost = verify(Map.of(), Map.of(K0, "c2o1"), log);
    assertEquals(List.of(), lost.violations());
    assertEquals(1, lost.inFlight());
    assertEquals(Map.of(K0, "c2o1"), lost.state().asMap());
    StressVerifier.Result kept = verify(Map.of(), Map.of(K0, "c2o2"), log);
    assertEquals(List.of(), kept.violations());
    assertEquals(Map.of(K0, "c2o2"), kept.state().asMap(), "the recovered in-flight write is expected from now on");
  }

  /** A conflicting transaction wrote nothing: its value may not appear. */
  @Test
  void anAbortedTransactionMustNotBeApplied() throws IOException {
    String[] log = {"B 1 txn a " + K0 + "=c2o1", "X 1"};
    assertEquals(List.of(), verify(Map.of(), Map.of(), log).violations());
    assertEquals("present although absent before the cycle (never written, or deleted earlier) and not written since",
        single(verify(Map.of(), Map.of(K0, "c2o1"), log)).problem());
  }

  /** An in-flight batch is all or nothing; ambiguous keys (a delete of an absent key) are ignored. */
  @Test
  void catchesAnInFlightBatchRecoveredPartially() throws IOException {
    String[] log = {"B 5 batch a " + K0 + "=c2o5 " + K1 + "=c2o5 " + K2 + "=-"};
    Map<String, String> before = Map.of(K2, "c1o1");
    assertEquals(List.of(), verify(before, Map.of(K0, "c2o5", K1, "c2o5"), log).violations(), "all applied");
    assertEquals(List.of(), verify(before, Map.of(K2, "c1o1"), log).violations(), "none applied");
    StressViolation v = single(verify(before, Map.of(K0, "c2o5", K2, "c1o1"), log));
    assertEquals("batch op 5", v.key());
    assertEquals("applied to [" + K0 + "], not to [" + K1 + ", " + K2 + "]", v.found());
    assertEquals("in-flight batch recovered partially", v.problem());
  }

  /** {@link StressLog} lines parse back; a last line without its newline is dropped. */
  @Test
  void logReaderIgnoresALineCutByTheKillAndReadsTheChildsViolations() throws IOException {
    Path file = tmp.resolve("ops.log");
    try (StressLog log = StressLog.open(file)) {
      log.begin(new StressOp(1, "put", true, Map.of(K0, "c3o1")));
      log.ack(1);
      log.violation(K1, "c3o2", "absent", "get under the key lock did not return it");
    }
    Files.writeString(file, "B 2 put a " + K1 + "=c3", java.nio.file.StandardOpenOption.APPEND);
    StressLogReader.Contents c = StressLogReader.read(file, 3);
    assertEquals(2, c.events().size(), "the cut B line is not an op: its call never ran");
    assertEquals(new StressOp(1, "put", true, Map.of(K0, "c3o1")), c.events().get(0).op());
    assertEquals(List.of(new StressViolation(3, K1, "c3o2", "absent",
        "seen by the child: get under the key lock did not return it")), c.violations());
  }

  /**
   * Writes {@code database} (key to tag) into a new database, then verifies it against {@code
   * before} and the log lines, on the key space {@code K0..K2}.
   */
  private StressVerifier.Result verify(Map<String, String> before, Map<String, String> database, String... log)
      throws IOException {
    Path dir = Files.createTempDirectory(tmp, "db");
    Path file = dir.resolveSibling(dir.getFileName() + ".log");
    Files.write(file, List.of(log), StandardCharsets.US_ASCII);
    try (Db db = Db.open(dir, StressSettings.engineOptions())) {
      database.forEach((key, tag) -> db.put(bytes(key), StressValues.value(key, tag, SIZE)));
      return StressVerifier.verify(2, new StressExpectedState(before), StressLogReader.read(file, 2).events(), db,
          StressValues.KEY_PREFIX, List.of(K0, K1, K2), SIZE);
    }
  }

  /** The one violation of {@code r}. */
  private static StressViolation single(StressVerifier.Result r) {
    assertEquals(1, r.violations().size(), r.violations().toString());
    return r.violations().get(0);
  }

  /** The ASCII bytes of a key. */
  private static byte[] bytes(String key) {
    return key.getBytes(StandardCharsets.US_ASCII);
  }
}
