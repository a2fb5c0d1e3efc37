package io.stratadb.cli.command;

import io.stratadb.Db;
import io.stratadb.Options;
import io.stratadb.WriteOptions;
import io.stratadb.cli.CliCommand;
import io.stratadb.cli.DbDirOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code strata delete KEY [--hex|--base64]}: deletes a key; deleting an absent key is not an error. */
@Command(name = "delete", description = "Delete KEY (not an error if it is absent).")
public final class DeleteCommand extends CliCommand {

  @Mixin DbDirOption db;

  @Mixin EncodingOptions encoding;

  @Parameters(index = "0", paramLabel = "KEY", description = "The key (text, or with --hex/--base64 its bytes).")
  String key;

  @Option(names = "--sync", description = "Fsync the write-ahead log before returning.")
  boolean sync;

  @Override
  protected int run() {
    byte[] k = encoding.argument(key, "KEY");
    try (Db d = db.openExisting(Options.defaults())) {
      d.delete(k, WriteOptions.of(sync));
    }
    return 0;
  }
}
