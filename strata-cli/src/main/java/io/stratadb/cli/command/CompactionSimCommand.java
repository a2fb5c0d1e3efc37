package io.stratadb.cli.command;

import io.stratadb.CompactionStrategy;
import io.stratadb.admin.CompactionSimulator;
import io.stratadb.cli.CliCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code strata compaction-sim}: runs a strategy's picker on synthetic flushes without writing data
 * (mini-lsm's simulator) and prints the level shape, write and space amplification per step.
 */
@Command(name = "compaction-sim", description = "Simulate a compaction strategy on synthetic random writes.")
public final class CompactionSimCommand extends CliCommand {

  @Option(names = "--strategy", paramLabel = "leveled|tiered|simple-leveled", defaultValue = "leveled",
      description = "Strategy with its default knobs (default: leveled). 'all' runs the three.")
  String strategy;

  @Option(names = "--steps", defaultValue = "200", description = "Memtable flushes to simulate (default: 200).")
  int steps;

  @Option(names = "--keys", defaultValue = "2000000", description = "Distinct keys written at random (default: 2,000,000).")
  int keys;

  @Option(names = "--flush-entries", defaultValue = "36000",
      description = "Entries per flushed memtable (default: 36,000, a 4 MiB memtable of 116-byte entries).")
  int flushEntries;

  @Option(names = "--entry-bytes", defaultValue = "116", description = "Bytes per entry (default: 116).")
  int entryBytes;

  @Option(names = "--target-file-size", defaultValue = "2097152", description = "Output table size in bytes (default: 2 MiB).")
  long targetFileSize;

  @Option(names = "--every", defaultValue = "10", description = "Print every N-th step (default: 10).")
  int every;

  @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: 42).")
  long seed;

  @Override
  protected int run() {
    if (steps < 1 || every < 1) {
      throw usageError("--steps and --every must be at least 1");
    }
    String[] names = strategy.equals("all") ? new String[] {"leveled", "tiered", "simple-leveled"} : new String[] {strategy};
    for (String name : names) {
      CompactionStrategy s = CompactionStrategy.named(name);
      out().printf("== %s: %s; %d keys, %d entries per flush, %d-byte entries%n", s.name(), s, keys, flushEntries,
          entryBytes);
      CompactionSimulator sim = new CompactionSimulator(s, keys, flushEntries, entryBytes, targetFileSize, seed);
      CompactionSimulator.Step last = null;
      for (int i = 1; i <= steps; i++) {
        last = sim.step();
        if (i % every == 0 || i == steps) {
          out().println(last.format());
        }
      }
      out().printf("final: write amplification %.2f, space amplification %.2f%n%n", last.writeAmplification(),
          last.spaceAmplification());
    }
    out().flush();
    return 0;
  }
}
