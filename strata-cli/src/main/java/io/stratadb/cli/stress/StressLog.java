package io.stratadb.cli.stress;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The crash test child's append-only expected-state log (RocksDB db_stress's expected state
 * trace): one text line per event, each handed to the operating system by its own {@code write}
 * call before the method returns, so a SIGKILL loses no line already returned from (the log lives
 * in the page cache like the database's WAL; the test is of process kills, not power loss).
 *
 * <p>Lines ({@link StressLogReader} parses them):
 *
 * <ul>
 *   <li>{@code B <op> <kind> <s|a> <key>=<tag> <key>=- ...}: a write is about to be issued
 *       (written <em>before</em> the database call; {@code s} synced, {@code a} not; {@code -} a
 *       delete);
 *   <li>{@code A <op>}: the call returned: the write is acknowledged;
 *   <li>{@code X <op>}: the call failed without applying anything (a transaction conflict);
 *   <li>{@code V <key> <expected> <found> <problem>}: a violation the child saw while running.
 * </ul>
 *
 * <p>A write whose {@code B} line has no {@code A} or {@code X} was in flight when the child died.
 * The caller orders the lines of one key by holding that key's lock from {@code B} to {@code A}.
 *
 * <p>Thread-safe: lines of concurrent callers never interleave.
 */
final class StressLog implements Closeable {
  /** {@code V} lines logged at most: one broken key can be read again and again. */
  static final int MAX_VIOLATIONS = 100;

  private final FileChannel channel;
  private final AtomicInteger violations = new AtomicInteger();

  /** Wraps an open channel; see {@link #open(Path)}. */
  private StressLog(FileChannel channel) {
    this.channel = channel;
  }

  /**
   * Opens {@code file} for appending, creating it if missing.
   *
   * @throws IOException if it cannot be opened
   */
  static StressLog open(Path file) throws IOException {
    return new StressLog(FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND));
  }

  /**
   * Logs that {@code op} is about to be issued.
   *
   * @throws IOException if the line cannot be written
   */
  void begin(StressOp op) throws IOException {
    StringBuilder line = new StringBuilder(64).append("B ").append(op.id()).append(' ').append(op.kind())
        .append(' ').append(op.sync() ? 's' : 'a');
    for (Map.Entry<String, String> w : op.writes().entrySet()) {
      line.append(' ').append(w.getKey()).append('=').append(w.getValue() == null ? "-" : w.getValue());
    }
    write(line.append('\n').toString());
  }

  /**
   * Logs that op {@code id} was acknowledged (its call returned).
   *
   * @throws IOException if the line cannot be written
   */
  void ack(long id) throws IOException {
    write("A " + id + "\n");
  }

  /**
   * Logs that op {@code id} failed without applying anything.
   *
   * @throws IOException if the line cannot be written
   */
  void abort(long id) throws IOException {
    write("X " + id + "\n");
  }

  /**
   * Logs a violation seen while running; only the first {@value #MAX_VIOLATIONS} are logged.
   *
   * @param key the key, or a name such as {@code total} for an invariant
   * @param expected what should have been read (no spaces)
   * @param found what was read (no spaces)
   * @param problem a short explanation
   * @throws IOException if the line cannot be written
   */
  void violation(String key, String expected, String found, String problem) throws IOException {
    if (violations.incrementAndGet() > MAX_VIOLATIONS) {
      return;
    }
    write("V " + key + " " + expected + " " + found + " " + problem.replace('\n', ' ') + "\n");
  }

  /** Writes {@code line} with as few {@code write} calls as the OS needs (one, for a line). */
  private synchronized void write(String line) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII));
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  /** Closes the file (without fsync: a process kill does not need it). */
  @Override
  public void close() throws IOException {
    channel.close();
  }
}
