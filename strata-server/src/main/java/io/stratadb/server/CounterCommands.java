package io.stratadb.server;

import io.netty.handler.codec.redis.RedisMessage;
import io.stratadb.server.ValueCodec.StoredValue;

/**
 * INCR, INCRBY, DECR and DECRBY: atomic read-modify-write of a decimal 64-bit integer under the
 * key's stripe ({@link KeyLocks}), batched in a pipeline ({@link PipelineBatch}); the value keeps
 * its TTL, as in Redis. Thread-safe.
 */
final class CounterCommands {

  private final StringStore store;

  CounterCommands(StringStore store) {
    this.store = store;
  }

  /** Adds the commands to {@code table}. */
  void register(CommandTable.Builder table) {
    table.addBatched("incr", 2, "write denyoom fast", 1, 1, 1, store, (b, a) -> add(b, a[1], 1));
    table.addBatched("decr", 2, "write denyoom fast", 1, 1, 1, store, (b, a) -> add(b, a[1], -1));
    table.addBatched("incrby", 3, "write denyoom fast", 1, 1, 1, store, (b, a) -> add(b, a[1], Args.parseLong(a[2])));
    table.addBatched("decrby", 3, "write denyoom fast", 1, 1, 1, store, (b, a) -> {
      long by = Args.parseLong(a[2]);
      if (by == Long.MIN_VALUE) {
        throw new RedisError("ERR decrement would overflow");
      }
      return add(b, a[1], -by);
    });
  }

  private static RedisMessage add(PipelineBatch b, byte[] key, long delta) {
    b.lock(key);
    StoredValue old = b.get(key);
    long current = old == null ? 0 : Args.parseLong(old.value());
    long next;
    try {
      next = Math.addExact(current, delta);
    } catch (ArithmeticException e) {
      throw new RedisError("ERR increment or decrement would overflow");
    }
    b.put(key, Args.decimal(next), old == null ? ValueCodec.NO_EXPIRY : old.expireAtMillis());
    return Reply.integer(next);
  }
}
