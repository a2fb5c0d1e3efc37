package io.stratadb.cli.command;

import io.stratadb.Bound;
import io.stratadb.Db;
import io.stratadb.Options;
import io.stratadb.cli.CliCommand;
import io.stratadb.cli.DbDirOption;
import io.stratadb.cli.LevelTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code strata compact [--from K] [--to K] [--hex|--base64]}: {@link Db#compactRange(Bound, Bound)}
 * over the range (the whole key space by default), then the level shape before and after. The
 * range reads as {@code strata scan}'s: {@code --from} inclusive, {@code --to} exclusive, keys
 * given as text, hex or base64.
 */
@Command(name = "compact", description = "Compact the tables overlapping a key range (default: everything).")
public final class CompactCommand extends CliCommand {

  @Mixin DbDirOption db;

  @Mixin EncodingOptions encoding;

  @Option(names = "--from", paramLabel = "KEY", description = "First key, inclusive (default: the first key), "
      + "as in scan.")
  String from;

  @Option(names = "--to", paramLabel = "KEY", description = "Last key, exclusive (default: past the last key), "
      + "as in scan.")
  String to;

  @Override
  protected int run() {
    Bound lower = from == null ? Bound.unbounded() : Bound.inclusive(encoding.argument(from, "--from"));
    Bound upper = to == null ? Bound.unbounded() : Bound.exclusive(encoding.argument(to, "--to"));
    try (Db d = db.openExisting(Options.defaults())) {
      out().println("Before:");
      out().print(LevelTable.format(d.stats()));
      long start = System.nanoTime();
      d.compactRange(lower, upper);
      double seconds = (System.nanoTime() - start) / 1e9;
      out().printf("Compacted in %.2f s. After:%n", seconds);
      out().print(LevelTable.format(d.stats()));
    }
    return 0;
  }
}
