package io.stratadb.cli.command;

import io.stratadb.Bound;
import io.stratadb.Db;
import io.stratadb.DbIterator;
import io.stratadb.Options;
import io.stratadb.WriteOptions;
import io.stratadb.cli.CliCommand;
import io.stratadb.cli.DbDirOption;
import io.stratadb.cli.LevelTable;
import io.stratadb.cli.ServedValues;
import io.stratadb.cli.StrataVersion;
import io.stratadb.cli.Utf8;
import io.stratadb.server.ValueFormat;
import java.io.PrintWriter;
import java.util.Arrays;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code strata demo}: the README's first command. Loads 100,000 users {@code user:000000001 ..
 * user:000100000}, deletes every tenth, reads some back, scans a range, prints the stats, then
 * closes, reopens and checks that exactly the 90,000 survivors are there.
 *
 * <p>Idempotent: every run writes the same values and deletes the same keys, so a second run on
 * the same directory ends in the same state and passes the same checks. Exit code 1 if a check
 * fails.
 */
@Command(name = "demo", description = "Load 100,000 keys, delete some, read, scan, print stats, reopen and verify.")
public final class DemoCommand extends CliCommand {

  static final int USERS = 100_000;
  private static final int DELETE_EVERY = 10;
  private static final int SCAN_FIRST = 100;
  private static final int SCAN_END = 200;

  @Mixin DbDirOption db;

  @Mixin CreateOption create;

  @Override
  protected int run() {
    PrintWriter out = out();
    long start = System.nanoTime();
    out.println("StrataDB " + StrataVersion.version() + " demo on " + db.dir().toAbsolutePath().normalize());
    try (Db d = db.openOrCreate(Options.defaults(), create.create)) {
      if (ServedValues.of(d).format() != ValueFormat.PLAIN) {
        throw new IllegalArgumentException(db.dir() + " was created by strata serve; run the demo in another "
            + "directory (--db DIR)");
      }
      load(d, out);
      readBack(d, out);
      scan(d, out);
      out.println();
      out.print(LevelTable.format(d.stats()));
    }
    long expected = USERS - USERS / DELETE_EVERY;
    long count;
    try (Db d = db.openOrCreate(Options.defaults(), create.create)) {
      count = countUsers(d);
    }
    out.printf("%nreopened: %d users found (expected %d)%n", count, expected);
    if (count != expected) {
      throw new IllegalStateException("demo check failed: " + count + " users after reopen, expected " + expected);
    }
    out.printf("demo finished in %.2f s%n", (System.nanoTime() - start) / 1e9);
    return 0;
  }

  private static void load(Db d, PrintWriter out) {
    long t0 = System.nanoTime();
    BatchWriter writer = new BatchWriter(d, 1000, WriteOptions.defaults());
    for (int i = 1; i <= USERS; i++) {
      writer.put(key(i), Utf8.bytes(value(i)));
    }
    writer.flush();
    double seconds = (System.nanoTime() - t0) / 1e9;
    out.printf("put %d users (user:%09d .. user:%09d) in %.2f s: %.0f puts/s%n", writer.written(), 1, USERS,
        seconds, writer.written() / seconds);
    BatchWriter deleter = new BatchWriter(d, 1000, WriteOptions.defaults());
    for (int i = DELETE_EVERY; i <= USERS; i += DELETE_EVERY) {
      deleter.delete(key(i));
    }
    deleter.flush();
    out.printf("deleted %d users (every %dth)%n", deleter.written(), DELETE_EVERY);
  }

  private static void readBack(Db d, PrintWriter out) {
    out.println();
    for (int i : new int[] {1, 10, 4242, 50_001, USERS}) {
      byte[] got = d.get(key(i));
      boolean deleted = i % DELETE_EVERY == 0;
      out.printf("get user:%09d -> %s%n", i, got == null ? "(not found)" : Utf8.string(got));
      boolean ok = deleted ? got == null : got != null && Arrays.equals(got, Utf8.bytes(value(i)));
      if (!ok) {
        throw new IllegalStateException("demo check failed: wrong result for user:" + String.format("%09d", i));
      }
    }
  }

  private static void scan(Db d, PrintWriter out) {
    out.printf("%nscan [user:%09d, user:%09d), first 5 lines:%n", SCAN_FIRST, SCAN_END);
    int n = 0;
    try (DbIterator it = d.scan(Bound.inclusive(key(SCAN_FIRST)), Bound.exclusive(key(SCAN_END)))) {
      for (; it.isValid(); it.next(), n++) {
        if (n < 5) {
          out.println(Utf8.string(it.key()) + '\t' + Utf8.string(it.value()));
        }
      }
    }
    out.printf("... %d keys in the range%n", n);
  }

  /** Counts the keys in the demo's key range. */
  private static long countUsers(Db d) {
    long n = 0;
    try (DbIterator it = d.scan(Bound.inclusive(key(1)), Bound.inclusive(key(USERS)))) {
      for (; it.isValid(); it.next()) {
        n++;
      }
    }
    return n;
  }

  /** The key of user {@code i}: {@code user:} and 9 zero-padded digits. */
  static byte[] key(int i) {
    return Utf8.bytes(String.format("user:%09d", i));
  }

  /** The value of user {@code i}: a small JSON document, the same on every run. */
  static String value(int i) {
    return String.format("{\"id\":%d,\"name\":\"user-%d\",\"email\":\"user%d@example.com\",\"score\":%d}", i, i, i,
        (i * 7919) % 1000);
  }
}
