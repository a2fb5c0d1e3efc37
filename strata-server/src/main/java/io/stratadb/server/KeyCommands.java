package io.stratadb.server;

import io.netty.handler.codec.redis.RedisMessage;
import io.stratadb.Bound;
import io.stratadb.DbIterator;
import io.stratadb.WriteBatch;
import io.stratadb.server.ValueCodec.StoredValue;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Commands over keys rather than values: DEL, EXISTS, TYPE, TTL, PTTL, SCAN, DBSIZE and FLUSHDB
 * (redis.io command reference). Thread-safe.
 *
 * <p>DBSIZE is exact and costs a scan of the whole database (O(keys)); Redis answers it in O(1),
 * but the LSM tree keeps no live-key count (tombstones and overwrites are only resolved by reads).
 * FLUSHDB holds every stripe of {@link KeyLocks} while it deletes, so no write interleaves; it
 * writes one tombstone per key in batches of {@value #FLUSH_BATCH}.
 */
@SuppressWarnings("try") // lock scopes: try (KeyLocks.Held ignored = ...) releases the stripes
final class KeyCommands {

  /** Keys deleted per write batch by FLUSHDB. */
  static final int FLUSH_BATCH = 1000;
  /** SCAN's default COUNT (Redis's). */
  static final int DEFAULT_SCAN_COUNT = 10;
  /**
   * Work one SCAN call may do, in keys examined plus MATCH operations ({@link
   * GlobPattern#matches(byte[], long[])}): about 4 million, milliseconds of work. A call stops
   * when it has spent this much (after at least one key), as when it reaches COUNT.
   */
  static final long SCAN_WORK_PER_CALL = 1L << 22;

  private final StringStore store;
  private final long maxReplyBytes;
  private final int maxKeyBytes;
  private final ScanCursor cursors = new ScanCursor();

  /**
   * @param maxReplyBytes largest reply ({@link ServerConfig#maxReplyBytes()}): SCAN stops before it
   * @param maxKeyBytes the engine's longest key, which bounds what a MATCH pattern can match
   */
  KeyCommands(StringStore store, long maxReplyBytes, int maxKeyBytes) {
    this.store = store;
    this.maxReplyBytes = maxReplyBytes;
    this.maxKeyBytes = maxKeyBytes;
  }

  /** Adds the commands to {@code table}. */
  void register(CommandTable.Builder table) {
    table.addBatched("del", -2, "write", 1, -1, 1, store, this::del);
    table.add("exists", -2, "readonly fast", 1, -1, 1, this::exists);
    table.add("type", 2, "readonly fast", 1, 1, 1,
        (s, a) -> Reply.simple(store.get(a[1]) == null ? "none" : "string"));
    table.add("ttl", 2, "readonly fast", 1, 1, 1, (s, a) -> ttl(a[1], 1000));
    table.add("pttl", 2, "readonly fast", 1, 1, 1, (s, a) -> ttl(a[1], 1));
    table.add("scan", -2, "readonly", 0, 0, 0, this::scan);
    table.add("dbsize", 1, "readonly", 0, 0, 0, (s, a) -> Reply.integer(dbsize()));
    table.add("flushdb", -1, "write", 0, 0, 0, this::flushdb);
  }

  /** DEL: deletes those keys that hold a live value; a key given twice counts once. */
  private RedisMessage del(PipelineBatch b, byte[][] args) {
    byte[][] keys = Arrays.copyOfRange(args, 1, args.length);
    b.lock(keys);
    List<byte[]> live = new ArrayList<>();
    Set<ByteBuffer> seen = new HashSet<>();
    for (byte[] key : keys) {
      if (seen.add(ByteBuffer.wrap(key)) && b.get(key) != null) {
        live.add(key);
      }
    }
    for (byte[] key : live) {
      b.delete(key);
    }
    return Reply.integer(live.size());
  }

  private RedisMessage exists(ClientSession s, byte[][] args) {
    long n = 0;
    for (StoredValue v : store.getAll(Arrays.copyOfRange(args, 1, args.length))) {
      if (v != null) {
        n++;
      }
    }
    return Reply.integer(n);
  }

  /** TTL (unit 1000, rounded as Redis does) or PTTL (unit 1): -2 absent, -1 no expiry. */
  private RedisMessage ttl(byte[] key, long unitMillis) {
    StoredValue v = store.get(key);
    if (v == null) {
      return Reply.integer(-2);
    }
    if (v.expireAtMillis() == ValueCodec.NO_EXPIRY) {
      return Reply.integer(-1);
    }
    long left = Math.max(0, v.expireAtMillis() - store.nowMillis());
    return Reply.integer((left + unitMillis / 2) / unitMillis);
  }

  /**
   * {@code SCAN cursor [MATCH pattern] [COUNT n] [TYPE t]}. A call examines keys in key order until
   * one of: COUNT keys examined, {@link #SCAN_WORK_PER_CALL} spent, or the reply about to pass
   * {@link ServerConfig#maxReplyBytes()}; so it may return fewer keys than COUNT, as Redis's may.
   */
  private RedisMessage scan(ClientSession s, byte[][] args) {
    byte[] after = cursors.lastKey(args[1]);
    GlobPattern match = null;
    long count = DEFAULT_SCAN_COUNT;
    boolean onlyStrings = true;
    for (int i = 2; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        throw RedisError.syntax();
      }
      if (Args.is(args[i], "match")) {
        match = GlobPattern.compile(args[i + 1], maxKeyBytes);
      } else if (Args.is(args[i], "count")) {
        count = Args.parseLong(args[i + 1]);
        if (count < 1) {
          throw RedisError.syntax();
        }
      } else if (Args.is(args[i], "type")) {
        onlyStrings = Args.is(args[i + 1], "string");
      } else {
        throw RedisError.syntax();
      }
    }
    Bound lower = after == null ? Bound.unbounded() : Bound.exclusive(after);
    Bound upper = Bound.unbounded();
    byte[] prefix = match == null ? new byte[0] : match.literalPrefix();
    if (prefix.length > 0) {
      if (after == null || Arrays.compareUnsigned(after, prefix) < 0) {
        lower = Bound.inclusive(prefix);
      }
      upper = Bound.prefixEnd(prefix);
    }
    List<RedisMessage> keys = new ArrayList<>();
    String next = ScanCursor.START;
    boolean mayMatch = match == null || !match.matchesNothing();
    if (onlyStrings && mayMatch
        && (after == null || upper.isUnbounded() || Arrays.compareUnsigned(after, upper.key()) < 0)) {
      try (DbIterator it = store.db().scan(lower, upper)) {
        long examined = 0;
        long[] work = {0};
        // The reply: an array of two, the cursor (at most 20 digits), the array of keys.
        long replyBytes = 2 * Reply.headerBytes(2) + Reply.bulkBytes(20) + Reply.headerBytes(Integer.MAX_VALUE);
        byte[] last = null;
        for (; it.isValid() && examined < count && work[0] < SCAN_WORK_PER_CALL; it.next(), examined++) {
          byte[] key = it.key();
          if ((match == null || match.matches(key, work)) && store.isLive(key, it.value())) {
            replyBytes += Reply.bulkBytes(key.length);
            if (replyBytes > maxReplyBytes && last != null) {
              break; // resume at this key in the next call
            }
            keys.add(Reply.bulk(key));
          }
          work[0]++;
          last = key;
        }
        if (it.isValid()) {
          next = cursors.after(last);
        }
      }
    }
    return Reply.array(List.of(Reply.bulk(next), Reply.array(keys)));
  }

  private long dbsize() {
    long n = 0;
    try (DbIterator it = store.db().newIterator()) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        if (store.isLive(it.key(), it.value())) {
          n++;
        }
      }
    }
    return n;
  }

  private RedisMessage flushdb(ClientSession s, byte[][] args) {
    if (args.length > 2 || (args.length == 2 && !Args.is(args[1], "sync") && !Args.is(args[1], "async"))) {
      throw RedisError.syntax();
    }
    try (KeyLocks.Held ignored = store.locks().lockEverything();
        DbIterator it = openAfterReadBarrier()) {
      WriteBatch batch = new WriteBatch();
      int inBatch = 0;
      for (it.seekToFirst(); it.isValid(); it.next()) {
        if (ValueFormat.isMarker(it.key())) {
          continue; // the database keeps its format
        }
        batch.delete(it.key());
        if (++inBatch == FLUSH_BATCH) {
          store.write(batch);
          batch = new WriteBatch();
          inBatch = 0;
        }
      }
      if (inBatch > 0) {
        store.write(batch);
      }
    }
    return Reply.OK;
  }

  /**
   * An iterator over the local database once it holds every write committed before FLUSHDB
   * began: on a lagging cluster node, FLUSHDB otherwise deleted only the keys the replica held.
   */
  private DbIterator openAfterReadBarrier() {
    store.awaitReadable();
    return store.db().newIterator();
  }
}
