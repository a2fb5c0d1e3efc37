package io.stratadb.memtable;

import io.stratadb.iterator.InternalIterator;
import io.stratadb.key.InternalKey;
import io.stratadb.key.LookupResult;
import io.stratadb.key.ValueType;
import io.stratadb.sstable.Hash64;
import io.stratadb.util.Slice;
import java.util.Objects;

/**
 * The in-memory write buffer: a concurrent skiplist of internal keys to values (LevelDB's {@code
 * db/memtable.cc}, here on our own {@link SkipList}). Every version of a key is kept, ordered
 * newest first, so readers filter by sequence number and see one point in time.
 *
 * <p>Thread-safety: {@link #add} may be called by several threads at once (the skiplist's inserts
 * are lock-free), though the database calls it from one thread at a time: a write group's leader
 * inserts every batch of the group. Lookups and iterators run concurrently with it and with each
 * other. Once frozen (immutable memtable), it is only read.
 */
public final class Memtable {

  private static final byte[] EMPTY = new byte[0];

  private final SkipList table = new SkipList();
  private final long logNumber;
  /** Whole-key filter consulted by {@link #get}, or null when disabled. */
  private final MemtableBloom bloom;

  /**
   * A memtable without a bloom filter (recovery's, which is flushed at once).
   *
   * @param logNumber file number of the WAL that makes this memtable durable
   */
  public Memtable(long logNumber) {
    this.logNumber = logNumber;
    this.bloom = null;
  }

  /**
   * A memtable whose point lookups first ask a whole-key bloom filter of {@code bloomBytes}
   * ({@link MemtableBloom}); the filter's bytes are allocated now and not counted in {@link
   * #approximateBytes}.
   *
   * @param logNumber file number of the WAL that makes this memtable durable
   * @param bloomBytes filter size in bytes; 0 for none
   * @throws IllegalArgumentException if {@code bloomBytes} is negative or above 1 GiB
   */
  public Memtable(long logNumber, long bloomBytes) {
    if (bloomBytes < 0) {
      throw new IllegalArgumentException("memtable bloom size must be >= 0, got " + bloomBytes);
    }
    this.logNumber = logNumber;
    this.bloom = bloomBytes == 0 ? null : new MemtableBloom(bloomBytes);
  }

  /** The file number of the WAL backing this memtable. */
  public long logNumber() {
    return logNumber;
  }

  /**
   * Inserts one entry; the value of a {@link ValueType#DELETE} is ignored (stored empty). The key
   * and value are copied. Adding an internal key (user key, sequence, type) already present
   * replaces its value (the new value's bytes are counted in {@link #approximateBytes}).
   *
   * @throws IllegalArgumentException if {@code sequence} does not fit an internal key
   */
  public void add(long sequence, ValueType type, byte[] userKey, byte[] value) {
    byte[] stored = type == ValueType.PUT ? value : EMPTY;
    add(sequence, type, userKey, 0, userKey.length, stored, 0, stored.length);
  }

  /**
   * As {@link #add(long, ValueType, byte[], byte[])}, for the user key {@code userKey[keyOffset,
   * keyOffset + keyLength)} and the value {@code value[valueOffset, valueOffset + valueLength)}:
   * the write path inserts straight from a write batch's array, copying each byte once, into the
   * memtable's arena. The value range of a {@link ValueType#DELETE} is ignored (stored empty).
   *
   * @throws IllegalArgumentException if {@code sequence} does not fit an internal key
   * @throws IndexOutOfBoundsException if a range is outside its array (nothing is added)
   */
  public void add(long sequence, ValueType type, byte[] userKey, int keyOffset, int keyLength, byte[] value,
      int valueOffset, int valueLength) {
    if (sequence < 0 || sequence > InternalKey.MAX_SEQUENCE) {
      throw new IllegalArgumentException("sequence number out of range: " + sequence);
    }
    Objects.checkFromIndexSize(keyOffset, keyLength, userKey.length);
    if (type != ValueType.PUT) {
      valueLength = 0;
    }
    Objects.checkFromIndexSize(valueOffset, valueLength, value.length);
    if (bloom != null) {
      bloom.add(Hash64.hash(userKey, keyOffset, keyLength)); // before the entry is published
    }
    table.insert(userKey, keyOffset, keyLength, (sequence << 8) | type.code(), value, valueOffset, valueLength);
  }

  /**
   * Looks up the newest version of {@code userKey} with a sequence number at most {@code sequence}.
   * A found value is a fresh array on every call: the caller may hand it out without copying.
   *
   * @throws IllegalArgumentException if {@code sequence} does not fit an internal key
   */
  public LookupResult get(byte[] userKey, long sequence) {
    return get(userKey, Hash64.hash(userKey, 0, userKey.length), sequence);
  }

  /**
   * As {@link #get(byte[], long)}, given {@code hash}, the key's {@link Hash64}, so a lookup
   * through memtables and SSTables hashes the key once.
   *
   * @throws IllegalArgumentException if {@code sequence} does not fit an internal key
   */
  public LookupResult get(byte[] userKey, long hash, long sequence) {
    if (sequence < 0 || sequence > InternalKey.MAX_SEQUENCE) {
      throw new IllegalArgumentException("sequence number out of range: " + sequence);
    }
    if (bloom != null && !bloom.mayContain(hash)) {
      return LookupResult.ABSENT;
    }
    // The PUT trailer is the largest of this sequence: the seek lands on the newest visible version.
    SkipList.Probe probe = new SkipList.Probe(userKey, 0, userKey.length, (sequence << 8) | ValueType.PUT.code());
    long n = table.seek(probe);
    if (n == SkipList.NIL || table.compareUserKey(n, probe) != 0) {
      return LookupResult.ABSENT;
    }
    long trailer = table.trailer(n);
    return LookupResult.decided(trailer, (trailer & 0xff) == ValueType.PUT.code() ? table.value(n) : EMPTY);
  }

  /**
   * Memory used by the entries, in bytes: their keys, values and skiplist nodes as laid out in the
   * arena (chunk slack not counted), plus values replaced by a second insert of their internal key.
   */
  public long approximateBytes() {
    return table.memoryBytes();
  }

  /** Whether no entry has been added. */
  public boolean isEmpty() {
    return table.first() == SkipList.NIL;
  }

  /** Number of entries (all versions). O(n). */
  public int entryCount() {
    int count = 0;
    for (long n = table.first(); n != SkipList.NIL; n = table.next(n)) {
      count++;
    }
    return count;
  }

  /** An iterator over all entries; it sees entries added after its creation (filter by sequence). */
  public InternalIterator iterator() {
    return new MemtableIterator(table);
  }

  /**
   * Iterator over the skiplist, in both directions. Forward steps follow level-0 links (O(1)
   * each); backward steps and seeks search from the head, O(log n) each (a skiplist has no back
   * links, like LevelDB's {@code db/skiplist.h} {@code Prev}). {@link #keySlice()} and {@link
   * #valueSlice()} view the node's bytes in the arena (or its replaced value) without copying.
   */
  private static final class MemtableIterator implements InternalIterator {
    private final SkipList list;
    /** The current node, or {@link SkipList#NIL} if not valid. */
    private long current = SkipList.NIL;
    /** The current entry's key and value, copied out of the arena on first use. */
    private byte[] key;
    private byte[] value;
    private final Slice keySlice = new Slice();
    private final Slice valueSlice = new Slice();
    /**
     * Whether {@link #valueSlice} views the current entry's value: it is resolved once per
     * position, so a concurrent insert replacing the value cannot change what this position shows.
     */
    private boolean valueResolved;

    MemtableIterator(SkipList list) {
      this.list = list;
    }

    private void moveTo(long n) {
      current = n;
      key = null;
      value = null;
      valueResolved = false;
    }

    @Override
    public boolean isValid() {
      return current != SkipList.NIL;
    }

    @Override
    public void seekToFirst() {
      moveTo(list.first());
    }

    @Override
    public void seek(byte[] target) {
      moveTo(list.seek(SkipList.Probe.ofInternalKey(target)));
    }

    @Override
    public void seekToLast() {
      moveTo(list.seekBefore(null, true));
    }

    @Override
    public void seekForPrev(byte[] target) {
      moveTo(list.seekBefore(SkipList.Probe.ofInternalKey(target), true));
    }

    @Override
    public void next() {
      if (current == SkipList.NIL) {
        throw new IllegalStateException("iterator is not valid");
      }
      moveTo(list.next(current));
    }

    @Override
    public void prev() {
      if (current == SkipList.NIL) {
        throw new IllegalStateException("iterator is not valid");
      }
      moveTo(list.previous(current));
    }

    @Override
    public byte[] key() {
      if (key == null) {
        key = list.internalKey(current);
      }
      return key;
    }

    @Override
    public byte[] value() {
      if (value == null) {
        value = valueSlice().toArray();
      }
      return value;
    }

    @Override
    public Slice keySlice() {
      long n = current;
      if (n == SkipList.NIL) {
        throw new IllegalStateException("iterator is not valid");
      }
      keySlice.set(list.keyBytes(n), list.keyOffset(n), list.internalKeyLength(n));
      return keySlice;
    }

    @Override
    public Slice valueSlice() {
      long n = current;
      if (n == SkipList.NIL) {
        throw new IllegalStateException("iterator is not valid");
      }
      if (!valueResolved) {
        list.viewValue(n, valueSlice);
        valueResolved = true;
      }
      return valueSlice;
    }

    @Override
    public void close() {
      moveTo(SkipList.NIL);
    }
  }
}
