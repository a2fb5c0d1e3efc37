package io.stratadb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.env.MemoryFileSystem;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Damages every kind of file of a real database (WAL, SSTable, MANIFEST, CURRENT) one at a time,
 * with flipped bytes and cuts at record boundaries, block boundaries and arbitrary lengths, and
 * checks that opening and reading every key and a full scan either returns exactly the right data
 * (or, for a damaged WAL tail, a prefix of the unsynced writes it held) or fails with a corruption
 * error naming the damaged file and an offset in it: never wrong data, never another exception.
 * See {@link CorruptionSweep} for the classification and {@code docs/RELIABILITY.md}
 * for the figures.
 */
class DbCorruptionSweepTest {
  private static final Path DIR = Path.of("/mem/sweep");

  private static CorruptionSweep sweep(MemoryFileSystem fs, PristineDb pristine, CorruptionSweep.Plan plan,
      String label) throws Exception {
    CorruptionSweep sweep = new CorruptionSweep(pristine, fs, DIR, 7);
    List<CorruptionSweep.Trial> trials = sweep.trials(plan);
    long start = System.nanoTime();
    for (int i = 0; i < trials.size(); i++) {
      sweep.run(trials.get(i), i % plan.verifyEvery() == 0);
      if (i % plan.repairEvery() == 0) {
        sweep.repair(trials.get(i));
      }
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    StringBuilder files = new StringBuilder();
    pristine.files.forEach((name, bytes) -> files.append(name).append(' ').append(bytes.length).append(" B, "));
    System.out.println("Corruption sweep (" + label + ", " + trials.size() + " damaged copies in " + millis
        + " ms) of " + files + "\n" + sweep.summary());
    for (String failure : sweep.failures()) {
      System.out.println("FAILURE " + failure);
    }
    return sweep;
  }

  private static void assertClean(CorruptionSweep sweep) {
    int failed = 0;
    for (CorruptionSweep.Tally t : sweep.tallies().values()) {
      failed += t.failed;
    }
    assertEquals(0, failed, () -> "damaged copies returned wrong data or threw the wrong exception:\n"
        + sweep.summary() + String.join("\n", sweep.failures()));
  }

  @Test
  void pristineCopyReadsBackExactly() throws Exception {
    MemoryFileSystem fs = new MemoryFileSystem();
    PristineDb pristine = PristineDb.build(fs, DIR);
    fs.restore(DIR, pristine.files);
    try (Db db = Db.open(DIR, pristine.options)) {
      assertEquals(pristine.content(), pristine.readByGets(db));
      assertEquals(pristine.content(), PristineDb.readByScan(db));
    }
  }

  @Test
  @Timeout(value = 120)
  void sampledDamageIsDetectedOrHarmlessNeverWrongData() throws Exception {
    MemoryFileSystem fs = new MemoryFileSystem();
    PristineDb pristine = PristineDb.build(fs, DIR);
    CorruptionSweep sweep = sweep(fs, pristine, new CorruptionSweep.Plan(2048, 2500, 300, 5, 25), "sampled");
    assertClean(sweep);
    for (CorruptionSweep.Kind kind : CorruptionSweep.Kind.values()) {
      CorruptionSweep.Tally t = sweep.tallies().get(kind);
      assertTrue(t.detected > 0, kind + ": no damage detected at all");
    }
    // every SSTable byte is covered by a checksum, and a cut SSTable loses its footer
    CorruptionSweep.Tally sst = sweep.tallies().get(CorruptionSweep.Kind.SST);
    assertEquals(sst.tried, sst.detected, "undetected SSTable damage");
    assertTrue(sweep.tallies().get(CorruptionSweep.Kind.WAL).harmlessTailLost > 0,
        "no WAL damage was a droppable tail: the sweep does not reach the last record");
  }

  @Test
  @Tag("slow")
  void everyByteOfEveryFile() throws Exception {
    MemoryFileSystem fs = new MemoryFileSystem();
    PristineDb pristine = PristineDb.build(fs, DIR);
    assertClean(sweep(fs, pristine, new CorruptionSweep.Plan(Integer.MAX_VALUE, 0, 0, 1, 10), "exhaustive"));
  }
}
