package io.stratadb.server;

import io.netty.handler.codec.redis.RedisMessage;
import io.stratadb.ReadOptions;
import io.stratadb.Snapshot;
import io.stratadb.server.ValueCodec.StoredValue;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * GET, SET (NX, XX, GET, EX, PX, EXAT, PXAT, KEEPTTL), SETNX, GETDEL, MGET, MSET, APPEND and
 * STRLEN, with Redis's semantics and error texts (redis.io command reference). Every command
 * that writes runs in a {@link PipelineBatch}, which holds its keys' stripes ({@link KeyLocks})
 * across its read and write. Thread-safe.
 */
final class StringCommands {

  private final StringStore store;
  private final long maxReplyBytes;
  private final long maxValueBytes;

  /**
   * @param maxReplyBytes largest reply ({@link ServerConfig#maxReplyBytes()})
   * @param maxValueBytes largest value the engine may hold, which bounds what one read can return
   */
  StringCommands(StringStore store, long maxReplyBytes, long maxValueBytes) {
    this.store = store;
    this.maxReplyBytes = maxReplyBytes;
    this.maxValueBytes = maxValueBytes;
  }

  /** Adds the commands to {@code table}. */
  void register(CommandTable.Builder table) {
    table.add("get", 2, "readonly fast", 1, 1, 1, this::get);
    table.addBatched("set", -3, "write denyoom", 1, 1, 1, store, this::set);
    table.addAlone("setnx", 3, "write denyoom fast", 1, 1, 1, store, StringCommands::setnx);
    table.addAlone("getdel", 2, "write fast", 1, 1, 1, store, StringCommands::getdel);
    table.add("mget", -2, "readonly fast", 1, -1, 1, this::mget);
    table.addBatched("mset", -3, "write denyoom", 1, -1, 2, store, this::mset);
    table.addAlone("append", 3, "write denyoom fast", 1, 1, 1, store, StringCommands::append);
    table.add("strlen", 2, "readonly fast", 1, 1, 1, this::strlen);
  }

  /** GET: the reply wraps the engine's copy of the stored value past its header, with no copy of its own. */
  private RedisMessage get(ClientSession s, byte[][] args) {
    byte[] stored = store.getStored(args[1]);
    return stored == null ? Reply.NULL : Reply.bulk(stored, ValueCodec.valueOffset(stored));
  }

  /** SET; with GET (whose reply may be a large value) only alone, not in a pipeline batch. */
  private RedisMessage set(PipelineBatch b, byte[][] args) {
    SetOptions o = SetOptions.parse(args, store.nowMillis());
    if (o.returnOld() && !b.alone()) {
      return null;
    }
    byte[] key = args[1];
    b.lock(key);
    StoredValue old = o.needsOldValue() ? b.get(key) : null;
    boolean write = !(o.onlyIfAbsent() && old != null) && !(o.onlyIfPresent() && old == null);
    if (write) {
      long expireAt = o.keepTtl() && old != null ? old.expireAtMillis() : o.expireAtMillis();
      b.put(key, args[2], expireAt);
    }
    if (o.returnOld()) {
      return Reply.bulk(old == null ? null : old.value());
    }
    return write ? Reply.OK : Reply.NULL;
  }

  private static RedisMessage setnx(PipelineBatch b, byte[][] args) {
    b.lock(args[1]);
    if (b.get(args[1]) != null) {
      return Reply.ZERO;
    }
    b.put(args[1], args[2], ValueCodec.NO_EXPIRY);
    return Reply.ONE;
  }

  private static RedisMessage getdel(PipelineBatch b, byte[][] args) {
    b.lock(args[1]);
    StoredValue v = b.get(args[1]);
    if (v == null) {
      return Reply.NULL;
    }
    b.delete(args[1]);
    return Reply.bulk(v.value());
  }

  /**
   * MGET within {@link #maxReplyBytes}: each distinct key is read once (a key asked for 1,000 times
   * is one read whose bytes the reply shares), in chunks no larger than the reply still allowed
   * could hold, all at one snapshot; once the reply would pass the limit, the answer is {@link
   * RedisError#replyTooLarge()} and nothing more is read.
   */
  private RedisMessage mget(ClientSession s, byte[][] args) {
    Map<ByteBuffer, Integer> slotOf = new HashMap<>();
    List<byte[]> distinct = new ArrayList<>();
    List<Integer> uses = new ArrayList<>();
    int[] slots = new int[args.length - 1];
    for (int i = 1; i < args.length; i++) {
      int slot = slotOf.computeIfAbsent(ByteBuffer.wrap(args[i]), k -> distinct.size());
      if (slot == distinct.size()) {
        distinct.add(args[i]);
        uses.add(0);
      }
      uses.set(slot, uses.get(slot) + 1);
      slots[i - 1] = slot;
    }
    StoredValue[] values = new StoredValue[distinct.size()];
    long replyBytes = Reply.headerBytes(slots.length) + slots.length * Reply.bulkBytes(0);
    if (replyBytes > maxReplyBytes) {
      throw RedisError.replyTooLarge();
    }
    Snapshot snapshot = null;
    try {
      for (int from = 0; from < values.length; ) {
        // Take keys while even values of the largest size would fit in the reply still allowed.
        int to = from + 1;
        long worst = uses.get(from) * maxValueBytes;
        while (to < values.length && worst + uses.get(to) * maxValueBytes <= maxReplyBytes - replyBytes) {
          worst += uses.get(to++) * maxValueBytes;
        }
        if (snapshot == null && to < values.length) {
          snapshot = store.db().getSnapshot(); // more than one read: all at one point in time
        }
        ReadOptions at = snapshot == null ? ReadOptions.defaults() : ReadOptions.snapshot(snapshot);
        StoredValue[] chunk = to - from == 1 ? new StoredValue[] {store.get(distinct.get(from), at)}
            : store.getAll(distinct.subList(from, to).toArray(new byte[0][]), at);
        for (int k = 0; k < chunk.length; k++, from++) {
          values[from] = chunk[k];
          if (chunk[k] != null) {
            replyBytes += uses.get(from) * (Reply.bulkBytes(chunk[k].value().length) - Reply.bulkBytes(0));
          }
        }
        if (replyBytes > maxReplyBytes) {
          throw RedisError.replyTooLarge();
        }
      }
    } finally {
      if (snapshot != null) {
        snapshot.close();
      }
    }
    List<RedisMessage> out = new ArrayList<>(slots.length);
    for (int slot : slots) {
      out.add(Reply.bulk(values[slot] == null ? null : values[slot].value()));
    }
    return Reply.array(out);
  }

  private RedisMessage mset(PipelineBatch b, byte[][] args) {
    if ((args.length - 1) % 2 != 0) {
      throw RedisError.arity("mset");
    }
    int n = (args.length - 1) / 2;
    byte[][] keys = new byte[n][];
    for (int i = 0; i < n; i++) {
      keys[i] = args[1 + 2 * i];
    }
    b.lock(keys);
    for (int i = 0; i < n; i++) {
      b.put(keys[i], args[2 + 2 * i], ValueCodec.NO_EXPIRY);
    }
    return Reply.OK;
  }

  private static RedisMessage append(PipelineBatch b, byte[][] args) {
    b.lock(args[1]);
    StoredValue old = b.get(args[1]);
    byte[] value = args[2];
    long expireAt = ValueCodec.NO_EXPIRY;
    if (old != null) {
      value = Arrays.copyOf(old.value(), old.value().length + args[2].length);
      System.arraycopy(args[2], 0, value, old.value().length, args[2].length);
      expireAt = old.expireAtMillis();
    }
    b.put(args[1], value, expireAt);
    return Reply.integer(value.length);
  }

  private RedisMessage strlen(ClientSession s, byte[][] args) {
    StoredValue v = store.get(args[1]);
    return Reply.integer(v == null ? 0 : v.value().length);
  }
}
