package io.stratadb.cli.command;

import io.stratadb.Bound;
import io.stratadb.Db;
import io.stratadb.DbIterator;
import io.stratadb.Options;
import io.stratadb.cli.CliCommand;
import io.stratadb.cli.DbDirOption;
import io.stratadb.cli.ServedValues;
import io.stratadb.cli.Utf8;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code strata scan [--from K] [--to K] [--limit N] [--hex|--base64]}: prints {@code key<TAB>value}
 * lines in key order. Keys and values are escaped ({@link Utf8#escapedField}: {@code \t}, {@code
 * \n}, {@code \r}, {@code \\}, {@code \xHH} for control characters and bytes that are not UTF-8),
 * or hex or base64, so every line reads back with {@code strata load --format escaped} (or {@code
 * hex}, {@code base64}).
 */
@Command(name = "scan", description = "Print key<TAB>value lines in key order, from --from (inclusive) to --to "
    + "(exclusive); tabs, line breaks, backslashes, control characters and bytes that are not UTF-8 are "
    + "escaped (\\t \\n \\r \\\\ \\xHH), as load --format escaped reads them.")
public final class ScanCommand extends CliCommand {

  @Mixin DbDirOption db;

  @Mixin EncodingOptions encoding;

  @Option(names = "--from", paramLabel = "KEY", description = "First key, inclusive (default: the first key).")
  String from;

  @Option(names = "--to", paramLabel = "KEY", description = "Last key, exclusive (default: past the last key).")
  String to;

  @Option(names = "--limit", paramLabel = "N", description = "Print at most N entries (default: all).")
  Long limit;

  @Override
  protected int run() {
    if (limit != null && limit < 0) {
      throw usageError("--limit must be >= 0, got " + limit);
    }
    Bound lower = from == null ? Bound.unbounded() : Bound.inclusive(encoding.argument(from, "--from"));
    Bound upper = to == null ? Bound.unbounded() : Bound.exclusive(encoding.argument(to, "--to"));
    encoding.checkOneFormat();
    long max = limit == null ? Long.MAX_VALUE : limit;
    PrintWriter out = out();
    try (Db d = db.openReadOnly(Options.defaults());
        DbIterator it = d.scan(lower, upper)) {
      ServedValues values = ServedValues.of(d);
      for (long n = 0; n < max && it.isValid(); it.next()) {
        byte[] key = it.key();
        byte[] value = values.read(key, it.value());
        if (value == null) {
          continue; // expired, or the server's format marker
        }
        // print + '\n' rather than println: println flushes an autoflush writer on every line.
        out.print(encoding.field(key) + '\t' + encoding.field(value) + '\n');
        if (++n == max) {
          break;
        }
      }
    }
    return 0;
  }
}
