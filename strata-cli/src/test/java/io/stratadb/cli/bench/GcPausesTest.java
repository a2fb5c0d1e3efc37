package io.stratadb.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GcPausesTest {

  @Test
  void pauseBeansCountAndConcurrentCycleBeansDoNot() {
    for (String pauses : List.of("G1 Young Generation", "G1 Old Generation", "ZGC Pauses", "Shenandoah Pauses",
        "PS Scavenge", "PS MarkSweep", "Copy", "MarkSweepCompact")) {
      assertTrue(GcPauses.countsPauses(pauses), pauses);
    }
    for (String cycles : List.of("ZGC Cycles", "Shenandoah Cycles", "G1 Concurrent GC", "ZGC Major Cycles")) {
      assertFalse(GcPauses.countsPauses(cycles), cycles);
    }
  }

  @Test
  void aCollectionDuringTheWindowIsCounted() {
    GcPauses before = GcPauses.now();
    List<byte[]> garbage = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      garbage.add(new byte[64 * 1024]);
      if (garbage.size() > 100) {
        garbage.clear();
      }
    }
    System.gc();
    GcPauses during = GcPauses.now().since(before);
    assertTrue(during.count() >= 1, during.toString());
    assertTrue(during.millis() >= 0, during.toString());
    assertEquals("GC pauses: 3, 41 ms", new GcPauses(5, 50).since(new GcPauses(2, 9)).line());
  }
}
