package io.stratadb.cli.command;

import io.stratadb.Db;
import io.stratadb.DbStats;
import io.stratadb.Options;
import io.stratadb.cli.CliCommand;
import io.stratadb.cli.DbDirOption;
import io.stratadb.cli.LevelTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code strata stats}: files and bytes per level, memtable sizes, the last sequence number and
 * the flush, compaction and stall counts (the counts are since this open, so mostly zero here).
 */
@Command(name = "stats", description = "Print files and bytes per level, memtable sizes and counters.")
public final class StatsCommand extends CliCommand {

  @Mixin DbDirOption db;

  @Option(names = "--compaction", description = "Also print the engine's RocksDB-style compaction report.")
  boolean compaction;

  @Override
  protected int run() {
    DbStats stats;
    try (Db d = db.openReadOnly(Options.defaults())) {
      stats = d.stats();
    }
    out().print(LevelTable.format(stats));
    if (compaction) {
      out().println();
      out().print(stats.report());
    }
    return 0;
  }
}
