package io.stratadb.cli;

import io.stratadb.Db;
import io.stratadb.ReadOptions;
import io.stratadb.server.ValueCodec;
import io.stratadb.server.ValueFormat;
import io.stratadb.server.ValueCodec.StoredValue;

/**
 * The CLI's side of one directory, two tools: the values of a database as {@code strata serve}
 * would show them, so that {@code get}, {@code scan}, {@code put} and {@code load} work on a
 * database the server created ({@link ValueFormat#TTL}: headers stripped and added, expired values
 * and the format marker hidden) as on one the library or the CLI filled ({@link ValueFormat#PLAIN}:
 * values as they are). The format is read once, from the database's marker key, when the command
 * opens it. Immutable; thread-safe.
 */
public final class ServedValues {
  private final ValueFormat format;
  private final long nowMillis;

  private ServedValues(ValueFormat format, long nowMillis) {
    this.format = format;
    this.nowMillis = nowMillis;
  }

  /**
   * The view of {@code db}'s values now.
   *
   * @param db the open database
   * @return the view, which reads the marker once, now
   * @throws IllegalStateException if the database's marker names a format this build does not know
   */
  public static ServedValues of(Db db) {
    return new ServedValues(ValueFormat.of(db, ReadOptions.defaults()), System.currentTimeMillis());
  }

  /** {@return the database's value format} */
  public ValueFormat format() {
    return format;
  }

  /**
   * The user's value of a stored entry, or null if a client of the server would not see it (the
   * format marker, or a value whose TTL has passed).
   *
   * @param key the entry's key
   * @param stored the entry's value as the engine returned it; null for an absent key
   * @return the user's bytes, or null
   * @throws IllegalArgumentException if a value of a {@link ValueFormat#TTL} database lacks the
   *     server's header (written by an older CLI or by the library directly)
   */
  public byte[] read(byte[] key, byte[] stored) {
    if (stored == null || ValueFormat.isMarker(key)) {
      return null;
    }
    StoredValue v = format.decode(stored);
    return v.isExpiredAt(nowMillis) ? null : v.value();
  }

  /**
   * {@return what to store for the user's {@code value}} Itself, or with the server's header (no TTL).
   *
   * @param value the user's bytes
   */
  public byte[] toStored(byte[] value) {
    return format.encode(value, ValueCodec.NO_EXPIRY);
  }
}
