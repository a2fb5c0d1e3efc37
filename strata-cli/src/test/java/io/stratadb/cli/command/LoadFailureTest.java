package io.stratadb.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.Db;
import io.stratadb.StrataIOException;
import io.stratadb.cli.CliRunner;
import io.stratadb.cli.StrataCli;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code strata load} when something other than a bad line goes wrong (issue 21, items 7 and 8):
 * what was read before the failure is written if the database still takes writes, the count loaded
 * is always printed, and a stack trace only with {@code --verbose}.
 */
class LoadFailureTest {

  @TempDir Path tmp;

  /** What a run printed and returned. */
  private record Run(int exitCode, String out, String err) {}

  /** Runs {@code strata args...} after {@code setUp} has adjusted the load command. */
  private static Run run(Consumer<LoadCommand> setUp, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new StrataCli());
    setUp.accept((LoadCommand) cli.getSubcommands().get("load").getCommandSpec().userObject());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  /** Ten lines k0..k9. */
  private Path tenLines() throws IOException {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      s.append("k").append(i).append('\t').append("v").append(i).append('\n');
    }
    return Files.writeString(tmp.resolve("in.tsv"), s);
  }

  /** The input, failing as a 2.5 GB line did (an ArrayIndexOutOfBoundsException) once {@code bytes} were read. */
  private static InputStream failingAfter(InputStream in, long bytes) {
    return new FilterInputStream(in) {
      private long read;

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (read >= bytes) {
          throw new ArrayIndexOutOfBoundsException("Index -2147483648 out of bounds for length 1073741824");
        }
        int n = super.read(b, off, (int) Math.min(len, bytes - read));
        read += Math.max(n, 0);
        return n;
      }
    };
  }

  @Test
  void anUnexpectedReadErrorStillWritesTheLinesBeforeIt() throws IOException {
    Path in = tenLines();
    long firstSeven = Files.readString(in).lines().limit(7).mapToLong(l -> l.length() + 1).sum();
    Path db = tmp.resolve("db");
    Run r = run(load -> load.testOnlyOpenInput = f -> failingAfter(Files.newInputStream(f), firstSeven),
        "load", "--db", db.toString(), in.toString(), "--no-progress");
    assertEquals(1, r.exitCode());
    assertEquals(in + ": failed after line 7: ArrayIndexOutOfBoundsException: Index -2147483648 out of bounds for "
        + "length 1073741824; stopped there, 7 entries before it were loaded", r.err().strip());
    assertEquals("v6\n", CliRunner.runOn(db, "get", "k6").out(), "the pending batch was written");
    assertEquals(7, CliRunner.runOn(db, "scan").outLines().length);
  }

  @Test
  void theStackTraceComesOnlyWithVerbose() throws IOException {
    Path in = tenLines();
    Run r = run(load -> load.testOnlyOpenInput = f -> failingAfter(Files.newInputStream(f), 20),
        "load", "--db", tmp.resolve("db").toString(), in.toString(), "--no-progress", "--verbose");
    assertEquals(1, r.exitCode());
    assertTrue(r.err().contains("entries before it were loaded"), r.err());
    assertTrue(r.err().contains("\tat "), r.err());
  }

  /** The database, failing every write from the {@code failFrom}-th on as a full disk makes it fail. */
  private static Db failingWrites(Db db, int failFrom) {
    AtomicInteger writes = new AtomicInteger();
    return (Db) Proxy.newProxyInstance(Db.class.getClassLoader(), new Class<?>[] {Db.class}, (proxy, method, args) -> {
      if (method.getName().equals("write") && writes.incrementAndGet() >= failFrom) {
        throw new StrataIOException("database db failed earlier and is read-only until reopened: No space left "
            + "on device");
      }
      try {
        return method.invoke(db, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    });
  }

  @Test
  void aFullDiskReportsHowManyEntriesWereLoaded() throws IOException {
    Path in = tenLines();
    Path db = tmp.resolve("db");
    Run r = run(load -> load.testOnlyWrapDb = d -> failingWrites(d, 3),
        "load", "--db", db.toString(), in.toString(), "--no-progress", "--batch-size", "2");
    assertEquals(1, r.exitCode());
    assertEquals(in + ": failed after line 6: database db failed earlier and is read-only until reopened: No space "
        + "left on device; stopped there, 4 entries were loaded and the 2 read after them were not", r.err().strip());
    assertFalse(r.err().contains("\tat "), r.err());
    assertEquals(4, CliRunner.runOn(db, "scan").outLines().length);
  }

  @Test
  void aBadLineAfterAFailedWriteReportsBoth() throws IOException {
    Path in = Files.writeString(tmp.resolve("bad.tsv"), "a\t1\nb\t2\njust-a-word\n");
    Run r = run(load -> load.testOnlyWrapDb = d -> failingWrites(d, 1),
        "load", "--db", tmp.resolve("db").toString(), in.toString(), "--no-progress");
    assertEquals(1, r.exitCode());
    assertTrue(r.err().startsWith(in + ":3: missing tab"), r.err());
    assertTrue(r.err().strip().endsWith("; then writing failed: database db failed earlier and is read-only until "
        + "reopened: No space left on device; stopped there, 0 entries were loaded and the 2 read after them were "
        + "not"), r.err());
  }
}
