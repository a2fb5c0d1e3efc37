package io.stratadb.cli.bench;

import io.stratadb.DbIterator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.GetOp;
import org.lmdbjava.LmdbException;
import org.lmdbjava.Stat;
import org.lmdbjava.Txn;

/**
 * LMDB ({@code org.lmdbjava:lmdbjava}, the native library it ships) under benchmark: a
 * copy-on-write B+tree in one memory-mapped file, the read-speed anchor of lmdbjava's own
 * benchmarks. Used as an application uses it: every put and delete is its own write transaction
 * ({@link Dbi#put(Object, Object)}), committed before the call returns (an application that
 * batches would put many keys in one transaction, much faster; the other engines' puts are one
 * WAL record each, so one transaction per put is the like-for-like setting); every get is its own
 * read transaction; a cursor is a read transaction with a cursor. Without {@code sync} the
 * environment is opened {@code MDB_NOSYNC}: a commit writes its pages to the OS but does not
 * fsync, as the other engines' unsynced WAL writes. LMDB has no write buffer, block size, bloom
 * filter, block cache or codec: the settings' are ignored, and its pages live in the OS page
 * cache. {@code MDB_NOTLS}: read transactions belong to their objects, not threads, so one thread
 * may hold a cursor and get at once.
 *
 * <p>Keys and values cross into native code through direct {@link ByteBuffer}s, one pair per
 * thread; lmdbjava's buffer proxy reads their addresses through {@code java.nio} internals, so the
 * JVM needs {@code --add-opens java.base/java.nio=ALL-UNNAMED --add-opens
 * java.base/sun.nio.ch=ALL-UNNAMED} (strata.jar's manifest carries them as {@code Add-Opens}).
 * Thread-safe: LMDB serialises write transactions on its own lock and runs readers in parallel;
 * a {@link DbIterator} from {@link #newCursor()} is confined to its thread.
 */
final class LmdbBenchEngine implements BenchEngine {

  /** The smallest map (address space reserved for the file), in bytes. */
  static final long MIN_MAP_BYTES = 64L << 20;
  /** Map bytes per raw key-value byte: half-full pages after random inserts, and copy-on-write pages. */
  static final int MAP_BYTES_PER_RAW_BYTE = 4;
  /** LMDB's per-entry overhead in a leaf page: an 8-byte node header and a 2-byte slot. */
  static final int ENTRY_OVERHEAD_BYTES = 10;
  /** Map size when the data size is not known (a sparse reservation, not disk). */
  static final long DEFAULT_MAP_BYTES = 16L << 30;
  /** The {@code java.base} packages lmdbjava's ByteBuffer proxy reads by reflection. */
  static final List<String> NEEDED_OPENS = List.of("java.nio", "sun.nio.ch");

  private final Env<ByteBuffer> env;
  private final Dbi<ByteBuffer> dbi;
  private final ThreadLocal<ByteBuffer> keyBuffers;
  private final ThreadLocal<ByteBuffer[]> valueBuffers = ThreadLocal.withInitial(() -> new ByteBuffer[1]);

  private LmdbBenchEngine(Env<ByteBuffer> env, Dbi<ByteBuffer> dbi) {
    this.env = env;
    this.dbi = dbi;
    int maxKey = env.getMaxKeySize();
    this.keyBuffers = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(maxKey));
  }

  /**
   * Opens (creating if missing) an LMDB environment in {@code dir} with a map of {@link
   * #mapBytes(long)} for {@code dataBytes} of raw keys and values.
   *
   * @param dataBytes the raw key and value bytes the benchmark will hold at most, or 0 if unknown
   * @throws IOException if LMDB cannot open the directory (its error code in the message)
   * @throws IllegalStateException if the JVM does not open what lmdbjava needs ({@link #missingOpens()})
   */
  static LmdbBenchEngine open(Path dir, BenchSettings settings, long dataBytes) throws IOException {
    String missing = missingOpens();
    if (!missing.isEmpty()) {
      throw new IllegalStateException(missing);
    }
    EnvFlags[] flags = settings.sync() ? new EnvFlags[] {EnvFlags.MDB_NOTLS}
        : new EnvFlags[] {EnvFlags.MDB_NOTLS, EnvFlags.MDB_NOSYNC};
    Env<ByteBuffer> env = null;
    try {
      env = Env.create().setMapSize(mapBytes(dataBytes)).setMaxDbs(1)
          .setMaxReaders(Math.max(126, 4 * Runtime.getRuntime().availableProcessors()))
          .open(dir.toFile(), flags);
      return new LmdbBenchEngine(env, env.openDbi("bench", DbiFlags.MDB_CREATE));
    } catch (LmdbException e) {
      if (env != null) {
        env.close();
      }
      throw new IOException("LMDB failed to open " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * What this JVM lacks for lmdbjava: "" if {@link #NEEDED_OPENS} are open to this class's module,
   * else a message naming the {@code --add-opens} flags to start it with.
   */
  static String missingOpens() {
    Module base = Object.class.getModule();
    Module self = LmdbBenchEngine.class.getModule();
    List<String> closed = NEEDED_OPENS.stream().filter(p -> !base.isOpen(p, self)).toList();
    if (closed.isEmpty()) {
      return "";
    }
    return "lmdb needs " + closed.stream().map(p -> "--add-opens java.base/" + p + "=ALL-UNNAMED")
        .collect(Collectors.joining(" ")) + " on the java command line (java -jar strata.jar has them from its "
        + "manifest)";
  }

  /**
   * The map size for {@code dataBytes} raw bytes: {@link #MAP_BYTES_PER_RAW_BYTE} times the data
   * plus the entries' overhead, at least {@link #MIN_MAP_BYTES}; {@link #DEFAULT_MAP_BYTES} if
   * {@code dataBytes} is 0. The map only reserves address space: the file grows as pages are written.
   */
  static long mapBytes(long dataBytes) {
    if (dataBytes <= 0) {
      return DEFAULT_MAP_BYTES;
    }
    return Math.max(MIN_MAP_BYTES, dataBytes > Long.MAX_VALUE / MAP_BYTES_PER_RAW_BYTE
        ? Long.MAX_VALUE : dataBytes * MAP_BYTES_PER_RAW_BYTE);
  }

  /** The raw bytes of {@code num} entries of {@code keySize + valueSize}, with LMDB's per-entry overhead. */
  static long dataBytes(long num, int keySize, int valueSize) {
    return num * ((long) keySize + valueSize + ENTRY_OVERHEAD_BYTES);
  }

  @Override
  public Kind kind() {
    return Kind.LMDB;
  }

  /** {@code key} in this thread's direct key buffer, flipped for reading. */
  private ByteBuffer keyBuffer(byte[] key) {
    ByteBuffer b = keyBuffers.get();
    if (key.length > b.capacity()) {
      throw new IllegalArgumentException("LMDB keys are at most " + b.capacity() + " bytes, got " + key.length);
    }
    b.clear();
    b.put(key).flip();
    return b;
  }

  private ByteBuffer valueBuffer(byte[] value) {
    ByteBuffer[] holder = valueBuffers.get();
    if (holder[0] == null || holder[0].capacity() < value.length) {
      holder[0] = ByteBuffer.allocateDirect(Math.max(value.length, 64));
    }
    ByteBuffer b = holder[0];
    b.clear();
    b.put(value).flip();
    return b;
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  @Override
  public void put(byte[] key, byte[] value) {
    dbi.put(keyBuffer(key), valueBuffer(value));
  }

  @Override
  public byte[] get(byte[] key) {
    try (Txn<ByteBuffer> txn = env.txnRead()) {
      ByteBuffer value = dbi.get(txn, keyBuffer(key));
      return value == null ? null : bytes(value);
    }
  }

  @Override
  public void delete(byte[] key) {
    dbi.delete(keyBuffer(key));
  }

  @Override
  public DbIterator newCursor() {
    Txn<ByteBuffer> txn = env.txnRead();
    try {
      return new LmdbCursor(txn, dbi.openCursor(txn));
    } catch (RuntimeException e) {
      txn.close();
      throw e;
    }
  }

  @Override
  public String shape() {
    Stat s;
    try (Txn<ByteBuffer> txn = env.txnRead()) {
      s = dbi.stat(txn);
    }
    return String.format("B+tree depth %d, %d branch + %d leaf + %d overflow pages of %d bytes, %d entries",
        s.depth, s.branchPages, s.leafPages, s.overflowPages, s.pageSize, s.entries);
  }

  @Override
  public void close() {
    dbi.close();
    env.close();
  }

  /**
   * A read transaction and a cursor on it behind {@link DbIterator}; {@link #key()} and {@link
   * #value()} copy out of the map. Confined to one thread.
   */
  private final class LmdbCursor implements DbIterator {
    private final Txn<ByteBuffer> txn;
    private final Cursor<ByteBuffer> cursor;
    private boolean valid;

    LmdbCursor(Txn<ByteBuffer> txn, Cursor<ByteBuffer> cursor) {
      this.txn = txn;
      this.cursor = cursor;
    }

    @Override
    public void seekToFirst() {
      valid = cursor.first();
    }

    @Override
    public void seek(byte[] target) {
      valid = cursor.get(keyBuffer(target), GetOp.MDB_SET_RANGE);
    }

    @Override
    public void seekToLast() {
      valid = cursor.last();
    }

    @Override
    public void seekForPrev(byte[] target) {
      valid = cursor.get(keyBuffer(target), GetOp.MDB_SET_RANGE);
      if (!valid) {
        valid = cursor.last();
      } else if (!Arrays.equals(key(), target)) {
        valid = cursor.prev();
      }
    }

    @Override
    public boolean isValid() {
      return valid;
    }

    @Override
    public byte[] key() {
      requireValid();
      return bytes(cursor.key());
    }

    @Override
    public byte[] value() {
      requireValid();
      return bytes(cursor.val());
    }

    @Override
    public void next() {
      requireValid();
      valid = cursor.next();
    }

    @Override
    public void prev() {
      requireValid();
      valid = cursor.prev();
    }

    private void requireValid() {
      if (!valid) {
        throw new IllegalStateException("LMDB cursor is not positioned on an entry");
      }
    }

    @Override
    public void close() {
      cursor.close();
      txn.close();
    }
  }
}
