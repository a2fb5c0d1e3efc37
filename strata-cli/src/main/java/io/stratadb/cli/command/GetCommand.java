package io.stratadb.cli.command;

import io.stratadb.Db;
import io.stratadb.Options;
import io.stratadb.cli.CliCommand;
import io.stratadb.cli.DbDirOption;
import io.stratadb.cli.ServedValues;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code strata get KEY [--hex|--base64]}: prints the value; exit code 1 and a message on stderr if
 * absent, or if it is not valid UTF-8 and neither option is given.
 */
@Command(name = "get", description = "Print the value stored under KEY; exit code 1 if there is none.")
public final class GetCommand extends CliCommand {

  @Mixin DbDirOption db;

  @Mixin EncodingOptions encoding;

  @Parameters(index = "0", paramLabel = "KEY", description = "The key (text, or with --hex/--base64 its bytes).")
  String key;

  @Override
  protected int run() {
    byte[] k = encoding.argument(key, "KEY");
    byte[] value;
    try (Db d = db.openReadOnly(Options.defaults())) {
      value = ServedValues.of(d).read(k, d.get(k));
    }
    if (value == null) {
      err().println("strata get: key not found: " + key);
      return EXIT_FAILURE;
    }
    out().println(encoding.output(value, "the value of " + key));
    return 0;
  }
}
