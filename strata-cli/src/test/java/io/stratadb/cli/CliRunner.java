package io.stratadb.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import picocli.CommandLine;

/** Test helper: runs {@code strata} in-process with captured stdout and stderr. */
public final class CliRunner {
  private CliRunner() {}

  /** What a run printed and returned. */
  public record Result(int exitCode, String out, String err) {

    /** stdout split into lines. */
    public String[] outLines() {
      return out.isEmpty() ? new String[0] : out.split("\n");
    }
  }

  /** Runs {@code strata args...}. */
  public static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new StrataCli());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  /** Runs {@code strata command --db dir args...}. */
  public static Result runOn(Path dir, String command, String... args) {
    String[] all = new String[args.length + 3];
    all[0] = command;
    all[1] = "--db";
    all[2] = dir.toString();
    System.arraycopy(args, 0, all, 3, args.length);
    return run(all);
  }
}
