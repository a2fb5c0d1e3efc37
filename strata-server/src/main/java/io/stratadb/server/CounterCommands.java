package io.stratadb.server;

import io.netty.handler.codec.redis.RedisMessage;
import io.stratadb.server.ValueCodec.StoredValue;

/**
 * INCR, INCRBY, DECR and DECRBY: atomic read-modify-write of a decimal 64-bit integer under the
 * key's stripe ({@link KeyLocks}); the value keeps its TTL, as in Redis. Thread-safe.
 */
@SuppressWarnings("try") // lock scopes: try (KeyLocks.Held ignored = ...) releases the stripes
final class CounterCommands {

  private final StringStore store;

  CounterCommands(StringStore store) {
    this.store = store;
  }

  /** Adds the commands to {@code table}. */
  void register(CommandTable.Builder table) {
    table.add("incr", 2, "write denyoom fast", 1, 1, 1, (s, a) -> add(a[1], 1));
    table.add("decr", 2, "write denyoom fast", 1, 1, 1, (s, a) -> add(a[1], -1));
    table.add("incrby", 3, "write denyoom fast", 1, 1, 1, (s, a) -> add(a[1], Args.parseLong(a[2])));
    table.add("decrby", 3, "write denyoom fast", 1, 1, 1, (s, a) -> {
      long by = Args.parseLong(a[2]);
      if (by == Long.MIN_VALUE) {
        throw new RedisError("ERR decrement would overflow");
      }
      return add(a[1], -by);
    });
  }

  private RedisMessage add(byte[] key, long delta) {
    try (KeyLocks.Held ignored = store.locks().lock(key)) {
      StoredValue old = store.get(key);
      long current = old == null ? 0 : Args.parseLong(old.value());
      long next;
      try {
        next = Math.addExact(current, delta);
      } catch (ArithmeticException e) {
        throw new RedisError("ERR increment or decrement would overflow");
      }
      store.put(key, Args.decimal(next), old == null ? ValueCodec.NO_EXPIRY : old.expireAtMillis());
      return Reply.integer(next);
    }
  }
}
