package io.stratadb.cli.command;

import io.stratadb.Db;
import io.stratadb.Options;
import io.stratadb.cli.CliCommand;
import io.stratadb.cli.DbDirOption;
import io.stratadb.cli.LevelTable;
import io.stratadb.cli.Utf8;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code strata compact [--from K] [--to K]}: {@link Db#compactRange} over the range (the whole key
 * space by default), then the level shape before and after.
 */
@Command(name = "compact", description = "Compact the tables overlapping a key range (default: everything).")
public final class CompactCommand extends CliCommand {

  @Mixin DbDirOption db;

  @Option(names = "--from", paramLabel = "KEY", description = "Smallest key to compact (inclusive).")
  String from;

  @Option(names = "--to", paramLabel = "KEY", description = "Largest key to compact (inclusive).")
  String to;

  @Override
  protected int run() {
    try (Db d = db.openExisting(Options.defaults())) {
      out().println("Before:");
      out().print(LevelTable.format(d.stats()));
      long start = System.nanoTime();
      d.compactRange(from == null ? null : Utf8.bytes(from), to == null ? null : Utf8.bytes(to));
      double seconds = (System.nanoTime() - start) / 1e9;
      out().printf("Compacted in %.2f s. After:%n", seconds);
      out().print(LevelTable.format(d.stats()));
    }
    return 0;
  }
}
