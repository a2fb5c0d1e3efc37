package io.stratadb.server;

import java.util.Locale;

/**
 * When the server fsyncs the WAL, as Redis's {@code appendfsync} does its append-only file ({@code
 * strata serve --wal-sync}, the {@code wal-sync} or {@code appendfsync} directive of the
 * configuration file).
 *
 * <p>Every write reaches the WAL before it is acknowledged, whatever the mode, so a crash of the
 * server process loses nothing; the modes differ in what a power loss or operating-system crash
 * can take.
 */
public enum WalSync {
  /** Every write (every pipeline batch, see docs/server.md) is fsynced before its reply: nothing acknowledged is lost. */
  ALWAYS,
  /**
   * Writes are not fsynced one by one; a background task fsyncs the WAL once a second when there
   * were writes, so a power loss takes at most about the last second of writes (the default, as in Redis).
   */
  EVERYSEC,
  /** The server never fsyncs the WAL itself; the operating system writes it back when it chooses. */
  NO;

  /**
   * The mode named {@code name} in any case: {@code always}, {@code everysec} or {@code no}.
   *
   * @param name {@code always}, {@code everysec} or {@code no}, in any case
   * @return the mode
   * @throws IllegalArgumentException for any other name
   */
  public static WalSync parse(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "always" -> ALWAYS;
      case "everysec" -> EVERYSEC;
      case "no" -> NO;
      default -> throw new IllegalArgumentException("wal-sync must be always, everysec or no, got '" + name + "'");
    };
  }

  /** The name as {@link #parse} takes it. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
