package io.stratadb.server;

import io.stratadb.Db;
import io.stratadb.DbIterator;
import io.stratadb.ReadOptions;
import io.stratadb.WriteOptions;
import io.stratadb.server.ValueCodec.StoredValue;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * How the values of one database are stored, so that {@code strata serve}, the {@code strata} CLI
 * and the library agree on one directory (docs/server.md, "One directory, two tools"):
 *
 * <ul>
 *   <li>{@link #PLAIN}: values are the user's bytes as they are, as {@link Db#put} and {@code strata
 *       put}/{@code load}/{@code demo} write them. The server serves them as strings without TTL,
 *       and refuses to set a TTL (it has nowhere to keep one).
 *   <li>{@link #TTL}: every value carries {@link ValueCodec}'s header (and, when it expires, its
 *       expiry). The database says so with its {@link #MARKER_KEY}, which the server writes when it
 *       opens an empty database; the CLI then strips the header on reads, hides expired values and
 *       the marker, and adds the header on writes.
 * </ul>
 *
 * <p>The format is the database's, never guessed from a value: a value's first byte cannot tell
 * the user's {@code 0x00} from the header's. Stateless and thread-safe.
 */
public enum ValueFormat {
  /** The user's bytes as they are; no TTLs. */
  PLAIN,
  /** {@link ValueCodec}'s header before the user's bytes; TTLs. */
  TTL;

  /**
   * The key whose presence marks a {@link #TTL} database. It begins with a {@code 0x00} byte, so
   * that text keys never collide with it and it sorts before them; the server and the CLI hide it.
   */
  public static final byte[] MARKER_KEY = "\0strata-serve:value-format".getBytes(StandardCharsets.US_ASCII);
  /** The marker's value: {@link ValueCodec}'s format version. */
  static final byte[] MARKER_VALUE = "ttl-v1".getBytes(StandardCharsets.US_ASCII);

  /**
   * The format of {@code db}, read from its marker, as of {@code options}.
   *
   * @param db the database
   * @param options the snapshot to read the marker at
   * @return {@link #TTL} if the marker is present, else {@link #PLAIN}
   * @throws IllegalStateException if the marker holds a format version this build does not know
   * @throws io.stratadb.StrataException as {@link Db#get} throws it
   */
  public static ValueFormat of(Db db, ReadOptions options) {
    byte[] marker = db.get(MARKER_KEY, options);
    if (marker == null) {
      return PLAIN;
    }
    if (!Arrays.equals(marker, MARKER_VALUE)) {
      throw new IllegalStateException("the database's value format is "
          + new String(marker, StandardCharsets.UTF_8) + ", which this version of strata does not know");
    }
    return TTL;
  }

  /**
   * The server's choice at start: {@link #TTL} if {@code db} is marked so, or is empty (then it is
   * marked now, in a synced write); {@link #PLAIN} if it holds keys but no marker (written by the
   * library or the CLI).
   *
   * @throws IllegalStateException if the marker holds an unknown format version
   * @throws io.stratadb.StrataException as the engine throws it
   */
  static ValueFormat openForServer(Db db) {
    ValueFormat format = of(db, ReadOptions.defaults());
    if (format == TTL) {
      return TTL;
    }
    try (DbIterator it = db.newIterator()) {
      it.seekToFirst();
      if (it.isValid()) {
        return PLAIN;
      }
    }
    db.put(MARKER_KEY, MARKER_VALUE, WriteOptions.syncWrites());
    return TTL;
  }

  /**
   * {@return whether {@code key} is the format marker, which no command shows}
   *
   * @param key a user key
   */
  public static boolean isMarker(byte[] key) {
    return Arrays.equals(key, MARKER_KEY);
  }

  /**
   * The value to store for the user's {@code value}.
   *
   * @param value the user's bytes
   * @param expireAtMillis epoch ms after which the value is gone, or {@link ValueCodec#NO_EXPIRY}
   * @return {@code value} itself ({@link #PLAIN}) or a new, encoded array ({@link #TTL})
   * @throws IllegalArgumentException if {@code expireAtMillis} is negative, or set on a {@link
   *     #PLAIN} database (with a message for the client)
   */
  public byte[] encode(byte[] value, long expireAtMillis) {
    if (this == TTL) {
      return ValueCodec.encode(value, expireAtMillis);
    }
    if (expireAtMillis != ValueCodec.NO_EXPIRY) {
      throw new IllegalArgumentException("this database holds plain values (written by the library or the "
          + "strata CLI, not created by strata serve), which have no room for a TTL; serve a new database for TTLs");
    }
    return value;
  }

  /**
   * The user's value and expiry of a stored value.
   *
   * @param stored the bytes as read from the database
   * @return the user's bytes and the expiry ({@link ValueCodec#NO_EXPIRY} for {@link #PLAIN})
   * @throws IllegalArgumentException if a {@link #TTL} value's header is unknown
   */
  public StoredValue decode(byte[] stored) {
    return this == TTL ? ValueCodec.decode(stored) : new StoredValue(stored, ValueCodec.NO_EXPIRY);
  }

  /**
   * The expiry of a stored value, in epoch ms, or {@link ValueCodec#NO_EXPIRY}.
   *
   * @param stored the bytes as read from the database
   * @return the expiry in epoch ms, or {@link ValueCodec#NO_EXPIRY}
   * @throws IllegalArgumentException if a {@link #TTL} value's header is unknown
   */
  public long expireAtMillis(byte[] stored) {
    return this == TTL ? ValueCodec.expireAtMillis(stored) : ValueCodec.NO_EXPIRY;
  }

  /**
   * Where the user's bytes start in a stored value.
   *
   * @param stored the bytes as read from the database
   * @return the offset of the user's bytes in {@code stored}: 0 for {@link #PLAIN}
   * @throws IllegalArgumentException if a {@link #TTL} value's header is unknown
   */
  public int valueOffset(byte[] stored) {
    return this == TTL ? ValueCodec.valueOffset(stored) : 0;
  }
}
