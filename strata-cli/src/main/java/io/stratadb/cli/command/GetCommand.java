package io.stratadb.cli.command;

import io.stratadb.Db;
import io.stratadb.Options;
import io.stratadb.cli.CliCommand;
import io.stratadb.cli.DbDirOption;
import io.stratadb.cli.Utf8;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code strata get KEY}: prints the value; exit code 1 and a message on stderr if absent. */
@Command(name = "get", description = "Print the value stored under KEY; exit code 1 if there is none.")
public final class GetCommand extends CliCommand {

  @Mixin DbDirOption db;

  @Parameters(index = "0", paramLabel = "KEY", description = "The key (UTF-8).")
  String key;

  @Override
  protected int run() {
    byte[] value;
    try (Db d = db.openExisting(Options.defaults())) {
      value = d.get(Utf8.bytes(key));
    }
    if (value == null) {
      err().println("strata get: key not found: " + key);
      return EXIT_FAILURE;
    }
    out().println(Utf8.string(value));
    return 0;
  }
}
