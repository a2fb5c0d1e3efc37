package io.stratadb.server;

import io.netty.handler.codec.redis.ErrorRedisMessage;
import io.netty.handler.codec.redis.RedisMessage;
import io.netty.handler.codec.redis.SimpleStringRedisMessage;
import io.stratadb.WriteBatch;
import io.stratadb.server.ValueCodec.StoredValue;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * The write commands of one connection's pipeline gathered into one engine {@link WriteBatch}:
 * consecutive SET, MSET, DEL, INCR, INCRBY, DECR and DECRBY (the {@link Command}s) run one after
 * another against the batch, each reading what the commands before it wrote, and their replies
 * wait; {@link #flush} commits the batch as one atomic write (synced as the server's {@link
 * WalSync} says) and only then sends the replies, in order. So a pipeline of 16 SETs costs one
 * group commit and, with {@code --wal-sync always}, one fsync, as Redis's {@code appendfsync
 * always} fsyncs once per event-loop round.
 *
 * <p>Redis semantics are kept: every command sees the effects of those before it on its
 * connection (through the batch's pending values) and of other connections' committed writes; a
 * command that fails (a syntax error, INCR of a non-integer) gets its error reply in its place and
 * changes nothing, and the others still apply; other connections see the batch's writes when
 * they are acknowledged, not before (no client has its reply earlier). If the commit itself fails
 * (a closed or failed database), every command of the batch gets that error, and none applied.
 *
 * <p>Atomicity across connections: a command locks its keys' stripes ({@link KeyLocks}) and the
 * batch holds them until {@link #flush}, so no other writer changes a key between a command's read
 * and the commit. A batch never waits for a stripe while it holds others: if one is taken, it
 * commits what it has (releasing everything) and then waits, holding nothing; so batches cannot
 * deadlock with each other or with single commands.
 *
 * <p>When the batch is flushed: by the connection before any other command (so replies keep their
 * order), at the end of each socket read, when it reaches {@link #MAX_COMMANDS} commands or
 * {@link #MAX_BATCH_BYTES}, and before the connection pauses or closes. A command with an argument
 * over the engine's key or value limit, or SET ... GET (whose reply can be a large value), is not
 * batched: the connection flushes and runs it alone ({@link #runAlone}), as before.
 *
 * <p>Not thread-safe: one per connection, used on its event loop.
 */
final class PipelineBatch {

  /** A write command run against a batch. */
  @FunctionalInterface
  interface Command {
    /**
     * Runs the command: locks its keys with {@link #lock}, reads with {@link #get}, writes with
     * {@link #put} and {@link #delete}, every read and check before the first write (so that a
     * failing command writes nothing).
     *
     * @return the reply, or null, before anything is locked or written, if it must not be batched
     *     in a pipeline (never when {@link #alone()})
     * @throws RuntimeException as a command body throws it, to become its error reply
     */
    RedisMessage run(PipelineBatch batch, byte[][] args);
  }

  /** Returned for a command added to a batch: its reply is sent by {@link #flush}. Never sent. */
  static final RedisMessage DEFERRED = new SimpleStringRedisMessage("DEFERRED");
  /** A batch is committed before it holds more than this, in bytes of keys and values. */
  static final long MAX_BATCH_BYTES = 256 << 10;
  /** A batch is committed once it holds this many commands. */
  static final int MAX_COMMANDS = 1024;
  /**
   * On a cluster node, how often a command runs again after its write conflicted ({@link
   * WriteConflictException}) before it fails with {@code TRYAGAIN}.
   */
  static final int MAX_CONFLICT_RETRIES = 16;

  /** Marks a key the batch deleted, in {@link #pending}. */
  private static final byte[] DELETED = new byte[0];

  private final StringStore store;
  private final boolean alone;
  private final int maxArgBytes;
  private final BiFunction<String, RuntimeException, RedisMessage> errorReply;
  private final Consumer<RedisMessage> out;
  /** Told how the bytes the batch holds change (the connection's {@link ConnectionFlow#batchHolds}). */
  private final LongConsumer holds;
  /** The batch's size last told to {@link #holds}. */
  private long heldBytes;
  private final WriteBatch batch = new WriteBatch();
  /** The batch's last write of each key: a stored value, or {@link #DELETED}. */
  private final Map<ByteBuffer, byte[]> pending = new HashMap<>();
  private final List<RedisMessage> replies = new ArrayList<>();
  /** On a cluster node: the values the batch's commands read from the store, checked at commit. */
  private final List<Replication.Expectation> expected = new ArrayList<>();
  /** On a cluster node: the batch's commands, one per reply, to run again after a conflict. */
  private final List<Queued> queued = new ArrayList<>();
  private final boolean[] isHeld = new boolean[KeyLocks.STRIPES];
  private int[] held = new int[16];
  private int heldCount;

  /**
   * A batch for a connection's pipeline.
   *
   * @param maxArgBytes arguments longer than this are not batched (at most the engine's key limit,
   *     and its value limit less {@link ValueCodec#EXPIRING_HEADER_BYTES}, so the commit cannot fail on them)
   * @param errorReply the error reply for a command name and what it threw ({@link CommandDispatcher#errorReply})
   * @param out sends a reply (the connection's write)
   */
  PipelineBatch(StringStore store, int maxArgBytes, BiFunction<String, RuntimeException, RedisMessage> errorReply,
      Consumer<RedisMessage> out) {
    this(store, false, maxArgBytes, errorReply, out, bytes -> {});
  }

  /**
   * As {@link #PipelineBatch(StringStore, int, BiFunction, Consumer)}, telling {@code holds} by how
   * many bytes what the batch holds (its copies of keys and values, until committed) grows, and
   * shrinks (negative), so that they count in the {@link ClientMemoryBudget}.
   */
  PipelineBatch(StringStore store, int maxArgBytes, BiFunction<String, RuntimeException, RedisMessage> errorReply,
      Consumer<RedisMessage> out, LongConsumer holds) {
    this(store, false, maxArgBytes, errorReply, out, holds);
  }

  private PipelineBatch(StringStore store, boolean alone, int maxArgBytes,
      BiFunction<String, RuntimeException, RedisMessage> errorReply, Consumer<RedisMessage> out, LongConsumer holds) {
    this.store = store;
    this.alone = alone;
    this.maxArgBytes = maxArgBytes;
    this.errorReply = errorReply;
    this.out = out;
    this.holds = holds;
  }

  /**
   * Runs {@code command} by itself: a batch of one, committed before this returns (a command
   * outside a pipeline, or one not to be batched).
   *
   * @return its reply
   * @throws RuntimeException what the command or the commit threw (nothing was written then)
   */
  static RedisMessage runAlone(StringStore store, Command command, byte[][] args) {
    PipelineBatch b = new PipelineBatch(store, true, Integer.MAX_VALUE, null, null, bytes -> {});
    for (int attempt = 0; ; attempt++) {
      try {
        RedisMessage reply = command.run(b, args);
        b.commit();
        return reply;
      } catch (WriteConflictException e) { // only on a cluster node: what it read changed; run again
        if (attempt == MAX_CONFLICT_RETRIES) {
          throw new RedisError("TRYAGAIN the keys changed under the command " + (attempt + 1) + " times; retry it");
        }
        backOff(attempt);
      } finally {
        b.clear();
      }
    }
  }

  /**
   * After the second conflict in a row, sleeps a random 0 to 2^min(attempt, 5) ms, so that nodes
   * that keep writing the same key stop colliding in lockstep.
   */
  private static void backOff(int attempt) {
    if (attempt < 1) {
      return;
    }
    try {
      Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextInt(1 << Math.min(attempt, 5)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RedisError("ERR interrupted");
    }
  }

  /** Whether this batch runs a single command (then SET ... GET may run in it). */
  boolean alone() {
    return alone;
  }

  /**
   * Adds a command (already checked for arity and authentication) to the batch; its reply, or
   * its error reply, is sent by a later {@link #flush}.
   *
   * @param name the command's name, for an internal error's log
   * @return false if it is not to be batched: nothing was run, the caller flushes and runs it alone
   */
  boolean add(String name, Command command, byte[][] args) {
    long bytes = 0;
    for (int i = 1; i < args.length; i++) {
      if (args[i].length > maxArgBytes) {
        return false;
      }
      bytes += args[i].length + ValueCodec.EXPIRING_HEADER_BYTES;
    }
    if (bytes > MAX_BATCH_BYTES) {
      return false;
    }
    if (batch.approximateSizeInBytes() + bytes > MAX_BATCH_BYTES) {
      flush();
    }
    RedisMessage reply;
    try {
      reply = command.run(this, args);
    } catch (RuntimeException e) {
      reply = errorReply.apply(name, e);
    }
    if (reply == null) {
      return false;
    }
    replies.add(reply);
    long size = batch.approximateSizeInBytes();
    if (size > heldBytes) {
      holds.accept(size - heldBytes);
      heldBytes = size;
    }
    if (store.replicated()) {
      queued.add(new Queued(name, command, args));
    }
    if (replies.size() >= MAX_COMMANDS) {
      flush();
    }
    return true;
  }

  /**
   * Commits the batch, releases its stripes and sends the replies in order; each becomes the
   * commit's error if the commit failed. Does nothing for an empty batch.
   */
  void flush() {
    if (replies.isEmpty() && heldCount == 0) {
      return;
    }
    RuntimeException failure = null;
    boolean conflict = false;
    try {
      commit();
    } catch (WriteConflictException e) {
      conflict = true;
    } catch (RuntimeException e) {
      failure = e;
    } finally {
      clear();
    }
    List<RedisMessage> sent = new ArrayList<>(replies);
    replies.clear();
    List<Queued> again = new ArrayList<>(queued);
    queued.clear();
    if (conflict) { // nothing applied: run each command again, alone, in order
      for (int i = 0; i < sent.size(); i++) {
        Queued q = again.get(i);
        try {
          sent.set(i, runAlone(store, q.command(), q.args()));
        } catch (RuntimeException e) {
          sent.set(i, errorReply.apply(q.name(), e));
        }
      }
    }
    for (RedisMessage reply : sent) {
      out.accept(failure == null || reply instanceof ErrorRedisMessage ? reply : errorReply.apply("write batch", failure));
    }
  }

  /**
   * Commits the writes, if any. On a cluster node a batch that read nothing (blind writes: SET,
   * MSET) lets go of its stripes first: its commit is a Raft round trip, and holding them through
   * it made every other connection writing a key of the same stripe wait for that round trip (and
   * split its own batch). A batch that read values keeps them: its entry carries those values as
   * conditions, and the stripes keep this node's other writers from invalidating them meanwhile.
   *
   * <p>On a cluster node a batch that read values but writes nothing (DEL or GETDEL of a key
   * this replica lacks, SETNX of a key it holds) still commits an entry carrying only those
   * values as conditions: its replies come from this replica's reads, which may lag the group,
   * and only the entry's place in the log makes them true (a conflict runs the commands again
   * on the caught-up replica). Without it, a lagging follower acknowledged a DEL with neither a
   * commit nor a read index, and the key it should have deleted survived.
   */
  private void commit() {
    if (batch.count() > 0) {
      if (store.replicated() && expected.isEmpty()) {
        unlockAll();
      }
      store.write(batch, expected);
    } else if (store.replicated() && !expected.isEmpty()) {
      store.write(batch, expected);
    }
  }

  /** Drops the writes (committed or not) and releases the stripes. */
  private void clear() {
    if (heldBytes > 0) {
      holds.accept(-heldBytes);
      heldBytes = 0;
    }
    batch.clear();
    pending.clear();
    expected.clear();
    unlockAll();
  }

  private void unlockAll() {
    for (int i = 0; i < heldCount; i++) {
      isHeld[held[i]] = false;
      store.locks().unlock(held[i]);
    }
    heldCount = 0;
  }

  /**
   * Locks the stripes of {@code keys} until the batch is committed. If one is taken, commits what
   * the batch holds first and then waits for them holding nothing, in ascending order.
   *
   * @throws RedisError if a key is the {@link ValueFormat#MARKER_KEY} (nothing is locked then)
   */
  void lock(byte[]... keys) {
    for (byte[] key : keys) {
      StringStore.refuseMarker(key); // before the command changes anything
    }
    int[] stripes = new int[keys.length];
    for (int i = 0; i < keys.length; i++) {
      stripes[i] = KeyLocks.stripe(keys[i]);
    }
    for (int s : stripes) {
      if (!isHeld[s]) {
        if (!store.locks().tryLock(s)) {
          lockWaiting(stripes);
          return;
        }
        hold(s);
      }
    }
  }

  private void lockWaiting(int[] stripes) {
    if (alone) {
      clear(); // nothing written yet: a command locks before it writes
    } else {
      flush();
    }
    for (int s : Arrays.stream(stripes).sorted().distinct().toArray()) {
      store.locks().lock(s);
      hold(s);
    }
  }

  private void hold(int stripe) {
    if (heldCount == held.length) {
      held = Arrays.copyOf(held, held.length * 2);
    }
    held[heldCount++] = stripe;
    isHeld[stripe] = true;
  }

  /**
   * The live value of {@code key} as this batch would leave it: its own last write, else the
   * database's. The caller holds the key's stripe ({@link #lock}).
   *
   * @throws RedisError if the stored value is not in the server's format
   */
  StoredValue get(byte[] key) {
    byte[] stored = pending.get(ByteBuffer.wrap(key));
    if (stored == null) {
      if (!store.replicated()) {
        return store.get(key);
      }
      byte[] current = store.db().get(key);
      expected.add(new Replication.Expectation(key, current));
      return current == null ? null : store.live(current);
    }
    return stored == DELETED ? null : store.live(stored);
  }

  /** Writes {@code value} under {@code key} with an expiry in epoch ms or {@link ValueCodec#NO_EXPIRY}. */
  void put(byte[] key, byte[] value, long expireAtMillis) {
    StringStore.refuseMarker(key);
    byte[] stored = store.encode(value, expireAtMillis);
    batch.put(key, stored);
    pending.put(ByteBuffer.wrap(key), stored);
  }

  /** Deletes {@code key}. */
  void delete(byte[] key) {
    StringStore.refuseMarker(key);
    batch.delete(key);
    pending.put(ByteBuffer.wrap(key), DELETED);
  }

  /** A command of the batch, kept on a cluster node to run again after a conflict. */
  private record Queued(String name, Command command, byte[][] args) {}

  /** The store (its clock, for TTLs). */
  StringStore store() {
    return store;
  }
}
