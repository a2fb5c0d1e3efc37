package io.stratadb.cli.command;

import io.stratadb.Db;
import io.stratadb.Options;
import io.stratadb.WriteOptions;
import io.stratadb.cli.CliCommand;
import io.stratadb.cli.DbDirOption;
import io.stratadb.cli.ServedValues;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code strata put KEY VALUE [--sync] [--hex|--base64] [--create]}: stores one value, creating the
 * database if the directory is missing or empty.
 */
@Command(name = "put", description = "Store VALUE under KEY (creates the database in a missing or empty directory).")
public final class PutCommand extends CliCommand {

  @Mixin DbDirOption db;

  @Mixin CreateOption create;

  @Mixin EncodingOptions encoding;

  @Parameters(index = "0", paramLabel = "KEY", description = "The key (text, or with --hex/--base64 its bytes).")
  String key;

  @Parameters(index = "1", paramLabel = "VALUE", description = "The value (as KEY; may be empty).")
  String value;

  @Option(names = "--sync", description = "Fsync the write-ahead log before returning.")
  boolean sync;

  @Override
  protected int run() {
    byte[] k = encoding.argument(key, "KEY");
    byte[] v = encoding.argument(value, "VALUE");
    try (Db d = db.openOrCreate(Options.defaults(), create.create)) {
      d.put(k, ServedValues.of(d).toStored(v), WriteOptions.of(sync));
    }
    return 0;
  }
}
