package io.stratadb.memtable;

import io.stratadb.iterator.InternalIterator;
import io.stratadb.key.InternalKey;
import io.stratadb.key.LookupResult;
import io.stratadb.key.ValueType;
import java.util.Map;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-memory write buffer: a concurrent skiplist of internal keys to values (LevelDB's {@code
 * db/memtable.cc}, here on {@link ConcurrentSkipListMap}). Every version of a key is kept, ordered
 * newest first, so readers filter by sequence number and see one point in time.
 *
 * <p>Thread-safety: {@link #add} may be called by one writer at a time (the DB's write path
 * serialises writers); lookups and iterators run concurrently with it and with each other. Once
 * frozen (immutable memtable), it is only read.
 */
public final class Memtable {

  /** Per-entry bookkeeping estimate of the skiplist node, in bytes, for size accounting. */
  private static final int ENTRY_OVERHEAD_BYTES = 64;

  private final ConcurrentSkipListMap<byte[], byte[]> table =
      new ConcurrentSkipListMap<>(InternalKey::compare);
  private final AtomicLong approximateBytes = new AtomicLong();
  private final long logNumber;

  /**
   * @param logNumber file number of the WAL that makes this memtable durable
   */
  public Memtable(long logNumber) {
    this.logNumber = logNumber;
  }

  /** The file number of the WAL backing this memtable. */
  public long logNumber() {
    return logNumber;
  }

  /** Inserts one entry; the value of a {@link ValueType#DELETE} is ignored (stored empty). */
  public void add(long sequence, ValueType type, byte[] userKey, byte[] value) {
    byte[] ikey = InternalKey.encode(userKey, sequence, type);
    byte[] stored = type == ValueType.PUT ? value : EMPTY;
    table.put(ikey, stored);
    approximateBytes.addAndGet(ikey.length + stored.length + ENTRY_OVERHEAD_BYTES);
  }

  private static final byte[] EMPTY = new byte[0];

  /** Looks up the newest version of {@code userKey} with a sequence number at most {@code sequence}. */
  public LookupResult get(byte[] userKey, long sequence) {
    Map.Entry<byte[], byte[]> e = table.ceilingEntry(InternalKey.forSeek(userKey, sequence));
    return e == null ? LookupResult.ABSENT : LookupResult.fromEntry(userKey, e.getKey(), e.getValue());
  }

  /** Approximate memory used, in bytes. */
  public long approximateBytes() {
    return approximateBytes.get();
  }

  /** Whether no entry has been added. */
  public boolean isEmpty() {
    return table.isEmpty();
  }

  /** Number of entries (all versions). O(n). */
  public int entryCount() {
    return table.size();
  }

  /** An iterator over all entries; it sees entries added after its creation (filter by sequence). */
  public InternalIterator iterator() {
    return new MemtableIterator(table);
  }

  /**
   * Iterator over a {@link ConcurrentNavigableMap} of internal keys, in both directions. Forward
   * steps use the map's weakly consistent entry iterator (O(1) each); backward steps and {@link
   * #seekForPrev} use {@code lowerEntry}, {@code floorEntry} and {@code lastEntry}, O(log n) each
   * (a skiplist has no back links, like LevelDB's {@code db/skiplist.h} {@code Prev}).
   */
  private static final class MemtableIterator implements InternalIterator {
    private final ConcurrentNavigableMap<byte[], byte[]> map;
    /** Forward iterator positioned after {@code current}; null until a forward step needs one. */
    private java.util.Iterator<Map.Entry<byte[], byte[]>> it;
    private Map.Entry<byte[], byte[]> current;

    MemtableIterator(ConcurrentNavigableMap<byte[], byte[]> map) {
      this.map = map;
    }

    @Override
    public boolean isValid() {
      return current != null;
    }

    @Override
    public void seekToFirst() {
      position(map.entrySet().iterator());
    }

    @Override
    public void seek(byte[] target) {
      position(map.tailMap(target, true).entrySet().iterator());
    }

    private void position(java.util.Iterator<Map.Entry<byte[], byte[]>> iterator) {
      it = iterator;
      current = it.hasNext() ? it.next() : null;
    }

    @Override
    public void seekToLast() {
      it = null;
      current = map.lastEntry();
    }

    @Override
    public void seekForPrev(byte[] target) {
      it = null;
      current = map.floorEntry(target);
    }

    @Override
    public void next() {
      if (current == null) {
        throw new IllegalStateException("iterator is not valid");
      }
      if (it == null) {
        it = map.tailMap(current.getKey(), false).entrySet().iterator();
      }
      current = it.hasNext() ? it.next() : null;
    }

    @Override
    public void prev() {
      if (current == null) {
        throw new IllegalStateException("iterator is not valid");
      }
      it = null;
      current = map.lowerEntry(current.getKey());
    }

    @Override
    public byte[] key() {
      return current.getKey();
    }

    @Override
    public byte[] value() {
      return current.getValue();
    }

    @Override
    public void close() {
      current = null;
      it = null;
    }
  }
}
