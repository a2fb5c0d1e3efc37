package io.stratadb.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessCostsTest {
  @TempDir Path tmp;

  @Test
  void minorFaultsAreTheTenthFieldAfterTheCommandName() {
    String stat = "4242 (java (a) b) S 1 4242 4242 0 -1 4194560 132421 0 7 0 512 80 0 0 20 0 30 0 100";
    assertEquals(132421, ProcessCosts.parseMinorFaults(stat));
    assertThrows(IllegalArgumentException.class, () -> ProcessCosts.parseMinorFaults("4242 java S 1 2"));
    assertThrows(IllegalArgumentException.class, () -> ProcessCosts.parseMinorFaults("4242 (java) S 1 2"));
  }

  @Test
  void aDeltaKeepsUnknownCountersUnknown() {
    ProcessCosts before = new ProcessCosts(100, 2, 30, 1_000);
    assertEquals(new ProcessCosts(50, 1, 5, 500), new ProcessCosts(150, 3, 35, 1_500).since(before));
    assertEquals(new ProcessCosts(-1, 1, 5, -1), new ProcessCosts(-1, 3, 35, -1).since(before));
    assertEquals("n/a page faults; 1 GCs, 5 ms; CPU n/a", new ProcessCosts(-1, 3, 35, -1).since(before).line());
    assertEquals("1,234 page faults; 2 GCs, 7 ms; CPU 1.50 s", new ProcessCosts(1234, 2, 7, 1_500_000_000L).line());
  }

  @Test
  void touchingANewMappingCountsPageFaults() throws Exception {
    ProcessCosts before = ProcessCosts.now();
    assumeTrue(before.minorFaults() >= 0, "needs Linux /proc/self/stat");
    Path file = tmp.resolve("pages");
    int bytes = 8 << 20;
    Files.write(file, new byte[bytes]);
    long sum = 0;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, 0, bytes);
      for (int i = 0; i < bytes; i += 4096) {
        sum += map.get(i);
      }
    }
    ProcessCosts spent = ProcessCosts.now().since(before);
    assertEquals(0, sum);
    // 2048 pages; the kernel maps up to 16 cached pages per fault ("fault-around"), so at least 128
    assertTrue(spent.minorFaults() >= 128, spent.line());
    // The JDK reads process CPU time through times(2) in clock ticks (10 ms on Linux), so a loop
    // this short may well read 0; what must hold is that the counter is known and never goes back.
    assertTrue(spent.cpuNanos() >= 0, spent.line());
  }
}
