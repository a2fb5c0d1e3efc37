package io.stratadb.cli;

import io.stratadb.cli.bench.BenchCommand;
import io.stratadb.cli.command.CheckpointCommand;
import io.stratadb.cli.command.ClusterCommand;
import io.stratadb.cli.command.CompactCommand;
import io.stratadb.cli.command.CompactionSimCommand;
import io.stratadb.cli.command.DeleteCommand;
import io.stratadb.cli.command.DemoCommand;
import io.stratadb.cli.command.GetCommand;
import io.stratadb.cli.command.LoadCommand;
import io.stratadb.cli.command.ManifestDumpCommand;
import io.stratadb.cli.command.PutCommand;
import io.stratadb.cli.command.RepairCommand;
import io.stratadb.cli.command.ScanCommand;
import io.stratadb.cli.command.ServeCommand;
import io.stratadb.cli.command.SstDumpCommand;
import io.stratadb.cli.command.StatsCommand;
import io.stratadb.cli.command.VerifyCommand;
import io.stratadb.cli.command.WalDumpCommand;
import io.stratadb.cli.stress.StressCommand;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The root {@code strata} command and the program's entry point. It only dispatches: each
 * subcommand is its own class.
 *
 * <p>Exit codes: 0 on success; 1 when a command fails (an engine error, bad input, a missing key
 * for {@code get}), with a one-line message on stderr; 2 for a usage error (picocli's default).
 * {@code --verbose}, accepted before or after the subcommand, adds stack traces to error messages
 * and turns engine logging up to debug.
 *
 * <p>Not thread-safe: one instance parses and runs one command line.
 */
@Command(
    name = "strata",
    mixinStandardHelpOptions = true,
    scope = ScopeType.INHERIT,
    versionProvider = StrataVersion.class,
    description = "StrataDB: an embedded LSM-tree key-value store. Keys and values are text (stored as UTF-8), "
        + "or any bytes with --hex or --base64.",
    subcommands = {
      PutCommand.class,
      GetCommand.class,
      DeleteCommand.class,
      ScanCommand.class,
      CompactCommand.class,
      CompactionSimCommand.class,
      LoadCommand.class,
      StatsCommand.class,
      DemoCommand.class,
      BenchCommand.class,
      StressCommand.class,
      VerifyCommand.class,
      RepairCommand.class,
      SstDumpCommand.class,
      ManifestDumpCommand.class,
      WalDumpCommand.class,
      CheckpointCommand.class,
      ServeCommand.class,
      ClusterCommand.class,
      HelpCommand.class
    })
public final class StrataCli implements Runnable {

  @Spec private CommandSpec spec;

  private boolean verbose;

  /** Creates the root command; picocli fills in its options. */
  public StrataCli() {}

  /**
   * {@return whether {@code --verbose} was given} It prints stack traces and turns on debug
   * logging.
   */
  public boolean verbose() {
    return verbose;
  }

  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "Print stack traces with error messages and log engine debug output.")
  void setVerbose(boolean verbose) {
    this.verbose = verbose;
  }

  /** Without a subcommand there is nothing to do: a usage error. */
  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing command: one of put, get, delete, scan, load, "
        + "stats, compact, compaction-sim, bench, stress, verify, repair, sst-dump, manifest-dump, wal-dump, "
        + "checkpoint, serve, demo (see strata --help)");
  }

  /**
   * Runs {@code strata} with {@code args} and exits the JVM with the command's exit code. Output is
   * written as UTF-8.
   *
   * @param args the command line, e.g. {@code put --db ./data k v}
   */
  public static void main(String[] args) {
    // The library's LZ4 default is lz4-java's pure-Java codec, 2.5-5x slower per block than its
    // JNI one; the CLI, an application, asks for the JNI one (bench compares with RocksDB's native
    // LZ4). -Dio.stratadb.lz4.native=false keeps the Java codec.
    if (System.getProperty("io.stratadb.lz4.native") == null) {
      System.setProperty("io.stratadb.lz4.native", "true");
    }
    CliLogging.installLogManager();
    CommandLine cli = new CommandLine(new StrataCli());
    cli.setOut(new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true));
    cli.setErr(new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true));
    System.exit(cli.execute(args));
  }
}
