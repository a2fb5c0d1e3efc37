package io.stratadb.cli.stress;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Keys and self-describing values of the crash test ({@code strata stress}). A value is {@code
 * <tag>|<key>|<filler>}, padded to the run's value size: the <em>tag</em> names the write that
 * stored it ({@code c<cycle>o<op>} in ops mode, a balance or a transfer count in bank mode), the
 * key names the key it was written under, and the filler is a deterministic function of both. So a
 * value read back identifies the write that produced it, and a value found under the wrong key, a
 * stale one or one with a flipped byte never equals the expected bytes (RocksDB db_stress's value
 * base scheme).
 *
 * <p>Keys: {@code key%08d} in ops mode, {@code acct%08d} (accounts) and {@code count%04d}
 * (per-thread transfer counters) in bank mode: zero-padded, so byte order is numeric order.
 *
 * <p>Stateless; thread-safe.
 */
final class StressValues {
  private StressValues() {}

  /** Largest key space: eight digits. */
  static final int MAX_KEYS = 100_000_000;

  /** Prefix of the ops-mode keys. */
  static final String KEY_PREFIX = "key";

  /** Prefix of the bank-mode account keys. */
  static final String ACCOUNT_PREFIX = "acct";

  /** Prefix of the bank-mode per-thread transfer counters. */
  static final String COUNTER_PREFIX = "count";

  private static final char SEPARATOR = '|';

  /** The ops-mode key of index {@code i} (0 to {@link #MAX_KEYS} - 1): {@code key00000042}. */
  static String key(int i) {
    return KEY_PREFIX + eightDigits(i);
  }

  /** The bank-mode account key of index {@code i}: {@code acct00000042}. */
  static String account(int i) {
    return ACCOUNT_PREFIX + eightDigits(i);
  }

  /** The bank-mode transfer counter of child thread {@code t}: {@code count0003}. */
  static String counter(int t) {
    return COUNTER_PREFIX + String.format("%04d", t);
  }

  /**
   * The index of an ops-mode key, or -1 if {@code key} is not one ({@code key} followed by eight
   * digits).
   */
  static int keyIndex(String key) {
    if (key.length() != KEY_PREFIX.length() + 8 || !key.startsWith(KEY_PREFIX)) {
      return -1;
    }
    int index = 0;
    for (int i = KEY_PREFIX.length(); i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      index = index * 10 + (c - '0');
    }
    return index;
  }

  /** The tag of a write of cycle {@code cycle} with op number {@code op}: {@code c3o1234}. */
  static String tag(int cycle, long op) {
    return "c" + cycle + "o" + op;
  }

  /**
   * The value the write tagged {@code tag} stores under {@code key}: {@code tag|key|filler}, at
   * least {@code size} bytes (longer only when the prefix alone is longer).
   *
   * @param key the key, ASCII without {@code |}
   * @param tag the write's tag, ASCII without {@code |} or spaces
   * @param size the value size in bytes
   */
  static byte[] value(String key, String tag, int size) {
    String prefix = tag + SEPARATOR + key + SEPARATOR;
    byte[] head = prefix.getBytes(StandardCharsets.US_ASCII);
    byte[] value = Arrays.copyOf(head, Math.max(size, head.length));
    // Letters from a small generator seeded by the prefix: every value differs, and compresses
    // to about half, as db_bench's values do.
    int state = prefix.hashCode() | 1;
    for (int i = head.length; i < value.length; i++) {
      state = state * 1103515245 + 12345;
      value[i] = (byte) ('a' + ((state >>> 16) & 15));
    }
    return value;
  }

  /** The value as {@code byte[]}, or null for an absent key ({@code tag == null}). */
  static byte[] valueOrNull(String key, String tag, int size) {
    return tag == null ? null : value(key, tag, size);
  }

  /**
   * The tag of {@code value} if it is a well-formed value of {@code key} (exactly {@link
   * #value(String, String, int)} of its own tag, at {@code size}), else null.
   */
  static String tagOf(String key, byte[] value, int size) {
    String tag = parseTag(value);
    if (tag == null || !Arrays.equals(value, value(key, tag, size))) {
      return null;
    }
    return tag;
  }

  /**
   * A short description of {@code value} found under {@code key}, for reports: {@code absent}, its
   * tag when well-formed, else what is wrong with it ({@code c2o7(of key00000009)}, {@code
   * corrupt:c2o7}, {@code garbage:12B}). Never contains spaces.
   */
  static String describe(String key, byte[] value, int size) {
    if (value == null) {
      return "absent";
    }
    String tag = parseTag(value);
    if (tag == null) {
      return "garbage:" + value.length + "B";
    }
    String text = new String(value, StandardCharsets.ISO_8859_1);
    int second = text.indexOf(SEPARATOR, tag.length() + 1);
    String owner = second < 0 ? "?" : text.substring(tag.length() + 1, second);
    if (!owner.equals(key)) {
      return tag + "(of:" + owner.replace(' ', '_') + ")";
    }
    return Arrays.equals(value, value(key, tag, size)) ? tag : "corrupt:" + tag;
  }

  /** The text before the first {@code |}, if it is a plausible tag (1 to 40 printable bytes). */
  private static String parseTag(byte[] value) {
    for (int i = 0; i < value.length && i <= 40; i++) {
      if (value[i] == SEPARATOR) {
        if (i == 0) {
          return null;
        }
        return new String(value, 0, i, StandardCharsets.ISO_8859_1);
      }
      if (value[i] <= ' ' || value[i] >= 127) {
        return null;
      }
    }
    return null;
  }

  /** {@code i} as eight zero-padded digits. */
  private static String eightDigits(int i) {
    if (i < 0 || i >= MAX_KEYS) {
      throw new IllegalArgumentException("key index out of range: " + i);
    }
    String digits = Integer.toString(i);
    return "00000000".substring(digits.length()) + digits;
  }
}
