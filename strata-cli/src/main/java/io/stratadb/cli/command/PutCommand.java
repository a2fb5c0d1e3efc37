package io.stratadb.cli.command;

import io.stratadb.Db;
import io.stratadb.Options;
import io.stratadb.WriteOptions;
import io.stratadb.cli.CliCommand;
import io.stratadb.cli.DbDirOption;
import io.stratadb.cli.Utf8;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code strata put KEY VALUE [--sync]}: stores one value, creating the database if needed. */
@Command(name = "put", description = "Store VALUE under KEY (creates the database if missing).")
public final class PutCommand extends CliCommand {

  @Mixin DbDirOption db;

  @Parameters(index = "0", paramLabel = "KEY", description = "The key (UTF-8).")
  String key;

  @Parameters(index = "1", paramLabel = "VALUE", description = "The value (UTF-8; may be empty).")
  String value;

  @Option(names = "--sync", description = "Fsync the write-ahead log before returning.")
  boolean sync;

  @Override
  protected int run() {
    try (Db d = db.openOrCreate(Options.defaults())) {
      d.put(Utf8.bytes(key), Utf8.bytes(value), WriteOptions.of(sync));
    }
    return 0;
  }
}
