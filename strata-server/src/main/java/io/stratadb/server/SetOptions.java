package io.stratadb.server;

import java.util.Locale;

/**
 * The options of {@code SET key value [NX | XX] [GET] [EX s | PX ms | EXAT s | PXAT ms | KEEPTTL]}
 * (redis.io SET), parsed with Redis's error texts. Immutable.
 *
 * @param onlyIfAbsent NX
 * @param onlyIfPresent XX
 * @param returnOld GET: reply with the old value
 * @param keepTtl KEEPTTL: keep the old value's expiry
 * @param expireAtMillis the new expiry in epoch ms, or {@link ValueCodec#NO_EXPIRY}
 */
record SetOptions(boolean onlyIfAbsent, boolean onlyIfPresent, boolean returnOld, boolean keepTtl,
    long expireAtMillis) {

  /** Whether the old value must be read before writing. */
  boolean needsOldValue() {
    return onlyIfAbsent || onlyIfPresent || returnOld || keepTtl;
  }

  /**
   * Parses the options after {@code SET key value}.
   *
   * @param nowMillis the server's clock, for relative expiries
   * @throws RedisError on a syntax error, a non-integer or a non-positive or overflowing expiry
   */
  static SetOptions parse(byte[][] args, long nowMillis) {
    boolean nx = false;
    boolean xx = false;
    boolean get = false;
    boolean keepTtl = false;
    long expireAt = ValueCodec.NO_EXPIRY;
    boolean hasExpiry = false;
    for (int i = 3; i < args.length; i++) {
      byte[] a = args[i];
      if (Args.is(a, "nx") && !xx) {
        nx = true;
      } else if (Args.is(a, "xx") && !nx) {
        xx = true;
      } else if (Args.is(a, "get")) {
        get = true;
      } else if (Args.is(a, "keepttl") && !hasExpiry) {
        keepTtl = true;
      } else if ((Args.is(a, "ex") || Args.is(a, "px") || Args.is(a, "exat") || Args.is(a, "pxat"))
          && !keepTtl && !hasExpiry && i + 1 < args.length) {
        expireAt = expiry(Args.utf8(a).toLowerCase(Locale.ROOT), Args.parseLong(args[++i]),
            nowMillis);
        hasExpiry = true;
      } else {
        throw RedisError.syntax();
      }
    }
    return new SetOptions(nx, xx, get, keepTtl, expireAt);
  }

  private static long expiry(String unit, long amount, long nowMillis) {
    RedisError invalid = new RedisError("ERR invalid expire time in 'set' command");
    if (amount <= 0) {
      throw invalid;
    }
    try {
      return switch (unit) {
        case "ex" -> Math.addExact(nowMillis, Math.multiplyExact(amount, 1000L));
        case "px" -> Math.addExact(nowMillis, amount);
        case "exat" -> Math.multiplyExact(amount, 1000L);
        default -> amount;
      };
    } catch (ArithmeticException overflow) {
      throw invalid;
    }
  }
}
