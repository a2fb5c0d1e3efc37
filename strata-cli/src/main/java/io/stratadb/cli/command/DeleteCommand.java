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

/** {@code strata delete KEY}: deletes a key; deleting an absent key is not an error. */
@Command(name = "delete", description = "Delete KEY (not an error if it is absent).")
public final class DeleteCommand extends CliCommand {

  @Mixin DbDirOption db;

  @Parameters(index = "0", paramLabel = "KEY", description = "The key (UTF-8).")
  String key;

  @Option(names = "--sync", description = "Fsync the write-ahead log before returning.")
  boolean sync;

  @Override
  protected int run() {
    try (Db d = db.openExisting(Options.defaults())) {
      d.delete(Utf8.bytes(key), WriteOptions.of(sync));
    }
    return 0;
  }
}
