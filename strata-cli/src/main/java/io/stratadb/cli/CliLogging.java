package io.stratadb.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Where the engine's log goes in the {@code strata} tool: the engine logs through SLF4J, bound in
 * this module to {@code java.util.logging} (slf4j-jdk14), whose root logger gets one handler that
 * writes each record as one line on stderr, {@code LEVEL logger: message}, and an exception as
 * {@code : Class: message} on the same line. The stack trace follows only when asked for ({@code
 * --verbose}), as for the commands' own errors: an operator sees what failed, not the engine's
 * frames. Stateless; thread-safe (the configuration is global to the JVM).
 *
 * <p>{@code java.util.logging}'s own shutdown hook resets every logger, which would drop what
 * other shutdown hooks log (such as {@code serve}'s "stopped" line on SIGTERM): a program's {@code
 * main} calls {@link #installLogManager()} first, so that the reset keeps the handlers.
 */
public final class CliLogging {
  private CliLogging() {}

  /** The system property naming the {@link LogManager} class, read when logging starts. */
  private static final String LOG_MANAGER_PROPERTY = "java.util.logging.manager";

  /**
   * Makes {@link KeepHandlersLogManager} the JVM's log manager. Call it first thing in {@code main},
   * before anything logs; later it has no effect.
   */
  public static void installLogManager() {
    System.setProperty(LOG_MANAGER_PROPERTY, KeepHandlersLogManager.class.getName());
  }

  /**
   * A log manager whose {@link #reset()} does nothing, so the shutdown hook of {@code
   * java.util.logging} leaves the handlers for the other shutdown hooks (the technique of Log4j's and
   * Spring Boot's JUL bridges). {@link #configure} replaces the handlers itself. Thread-safe, as
   * {@link LogManager}.
   */
  public static final class KeepHandlersLogManager extends LogManager {
    /** Created by {@code java.util.logging} when {@link #installLogManager()} named this class. */
    public KeepHandlersLogManager() {}

    /** Does nothing: the handlers stay until the JVM exits. */
    @Override
    public void reset() {}
  }

  /**
   * Replaces the root logger's handlers by the stderr handler described in the class comment.
   *
   * @param level the lowest level printed ({@link Level#FINE} is SLF4J's debug)
   * @param stackTraces whether an exception's stack trace is printed after its line
   */
  public static void configure(Level level, boolean stackTraces) {
    Logger root = Logger.getLogger("");
    for (Handler h : root.getHandlers()) {
      root.removeHandler(h);
    }
    Handler handler = new StderrHandler();
    handler.setFormatter(new LineFormatter(stackTraces));
    handler.setLevel(level);
    root.addHandler(handler);
    root.setLevel(level);
  }

  /** Writes to the {@link System#err} of the moment (so a replaced stream, as in tests, is used). */
  private static final class StderrHandler extends Handler {
    @Override
    public void publish(LogRecord record) {
      if (isLoggable(record)) {
        System.err.print(getFormatter().format(record));
        System.err.flush();
      }
    }

    @Override
    public void flush() {
      System.err.flush();
    }

    @Override
    public void close() {
      flush();
    }
  }

  /** {@code LEVEL logger: message[: exception]}, then the stack trace if asked for. */
  private static final class LineFormatter extends Formatter {
    private final boolean stackTraces;

    LineFormatter(boolean stackTraces) {
      this.stackTraces = stackTraces;
    }

    @Override
    public String format(LogRecord record) {
      StringBuilder line = new StringBuilder(levelName(record.getLevel())).append(' ')
          .append(record.getLoggerName()).append(": ").append(formatMessage(record));
      Throwable thrown = record.getThrown();
      if (thrown != null && !stackTraces) {
        line.append(": ").append(thrown);
      }
      line.append(System.lineSeparator());
      if (thrown != null && stackTraces) {
        StringWriter trace = new StringWriter();
        thrown.printStackTrace(new PrintWriter(trace));
        line.append(trace);
      }
      return line.toString();
    }

    /** SLF4J's names for the levels slf4j-jdk14 maps its own to. */
    private static String levelName(Level level) {
      int v = level.intValue();
      return v >= Level.SEVERE.intValue() ? "ERROR" : v >= Level.WARNING.intValue() ? "WARN"
          : v >= Level.INFO.intValue() ? "INFO" : v >= Level.FINE.intValue() ? "DEBUG" : "TRACE";
    }
  }
}
