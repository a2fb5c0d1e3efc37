package io.stratadb.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * Base of every {@code strata} subcommand: gives access to picocli's output streams and turns
 * errors into a one-line message on stderr and exit code 1, so that engine failures ({@link
 * io.stratadb.StrataException}, {@link IllegalArgumentException}, {@link
 * io.stratadb.DbClosedException}) never show a stack trace unless {@code --verbose} is given; nor
 * does the engine's log ({@link CliLogging}).
 * Usage errors ({@link ParameterException}) pass through to picocli, which prints the usage and
 * exits with 2.
 *
 * <p>The handling lives here rather than in a picocli exception handler so that it also applies
 * when a test runs {@code new CommandLine(new StrataCli()).execute(...)} directly.
 *
 * <p>Not thread-safe: one instance runs one command.
 */
public abstract class CliCommand implements Callable<Integer> {

  /** Exit code of a command that failed. */
  protected static final int EXIT_FAILURE = 1;

  /** The command's model, injected by picocli. */
  @Spec protected CommandSpec spec;

  @ParentCommand StrataCli root;

  /**
   * Runs the command.
   *
   * @return the exit code: 0 for success
   * @throws Exception any failure; it is reported by {@link #call()}
   */
  protected abstract int run() throws Exception;

  /**
   * Runs {@link #run()}, reporting failures as described in the class comment, after pointing the
   * engine's log at stderr ({@link CliLogging}: info and up, stack traces only with {@code
   * --verbose}; debug and up with it).
   */
  @Override
  public final Integer call() {
    CliLogging.configure(verbose() ? Level.FINE : Level.INFO, verbose());
    try {
      return run();
    } catch (ParameterException e) {
      throw e;
    } catch (Exception e) {
      reportError(e);
      return EXIT_FAILURE;
    } finally {
      out().flush();
      err().flush();
    }
  }

  /**
   * {@return standard output, as configured on the command line} (UTF-8 in {@link StrataCli#main}.)
   */
  protected final PrintWriter out() {
    return spec.commandLine().getOut();
  }

  /** {@return standard error, as configured on the command line} */
  protected final PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** {@return whether {@code --verbose} was given} */
  protected final boolean verbose() {
    return root != null && root.verbose();
  }

  /**
   * {@return a usage error for this command, to throw} Picocli prints it with the usage and exits with 2.
   *
   * @param message what is wrong with the arguments
   */
  protected final ParameterException usageError(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  /** Prints {@code strata: <message>} (and the stack trace with --verbose) on stderr. */
  private void reportError(Exception e) {
    PrintWriter err = err();
    err.println("strata " + spec.name() + ": " + describe(e));
    if (verbose()) {
      e.printStackTrace(err);
    }
  }

  /**
   * The message of an expected error alone; for anything else its class too, as it is a bug.
   *
   * @param e the error
   * @return one line for stderr
   */
  protected static String describe(Throwable e) {
    Throwable shown = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
    String message = shown.getMessage();
    boolean expected = shown instanceof RuntimeException && message != null
        && (shown instanceof io.stratadb.StrataException || shown instanceof IllegalArgumentException
            || shown instanceof IllegalStateException);
    if (expected) {
      return message;
    }
    return message == null ? shown.getClass().getName() : shown.getClass().getSimpleName() + ": " + message;
  }
}
