package io.stratadb.memtable;

import io.stratadb.MemtableRep;
import io.stratadb.iterator.InternalIterator;
import io.stratadb.key.InternalKey;
import io.stratadb.key.LookupResult;
import io.stratadb.key.ValueType;
import io.stratadb.util.Hash64;
import io.stratadb.util.RefCount;
import io.stratadb.util.Slice;
import java.util.Objects;

/**
 * The in-memory write buffer: an ordered index of internal keys to values (LevelDB's {@code
 * db/memtable.cc}), a {@link BPlusTree} or a {@link SkipList} as {@link MemtableRep} chooses. Every
 * version of a key is kept, ordered newest first, so readers filter by sequence number and see one
 * point in time.
 *
 * <p>Thread-safety: {@link #add} may be called by several threads at once (the skiplist links
 * without locking, the B+tree's writers take turns), though the database calls it from one thread
 * at a time: a write group's leader inserts every batch of the group. Lookups and iterators run
 * concurrently with it and with each other, without locking. Once frozen (immutable memtable), it
 * is only read.
 */
public final class Memtable {

  private static final byte[] EMPTY = new byte[0];

  private final MemtableIndex table;
  private final Entries entries;
  private final long logNumber;
  /** Whole-key filter consulted by {@link #get}, or null when disabled. */
  private final MemtableBloom bloom;
  /** The arena the index lives in, charging its chunks. */
  private final Arena arena;
  /** Bytes of the bloom filter, charged when it was allocated. */
  private final long bloomBytes;
  /** Whether a charger other than {@link ChunkCharger#NONE} was given. */
  private final boolean charging;
  /** The owner's reference (the database's published state) and one per reader that pins it. */
  private final RefCount refs = new RefCount();

  /**
   * A memtable without a bloom filter (recovery's, which is flushed at once).
   *
   * @param logNumber file number of the WAL that makes this memtable durable
   */
  public Memtable(long logNumber) {
    this(logNumber, 0, MemtableRep.BPLUS_TREE);
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
    this(logNumber, bloomBytes, MemtableRep.BPLUS_TREE);
  }

  /**
   * As {@link #Memtable(long, long)}, with entries ordered by {@code rep}.
   *
   * @throws IllegalArgumentException if {@code bloomBytes} is negative or above 1 GiB
   * @throws NullPointerException if {@code rep} is null
   */
  public Memtable(long logNumber, long bloomBytes, MemtableRep rep) {
    this(logNumber, bloomBytes, rep, ChunkCharger.NONE);
  }

  /**
   * As {@link #Memtable(long, long, MemtableRep)}, charging the bloom filter once allocated and
   * every arena chunk before it is allocated to {@code charger} ({@link #chargedBytes()} sums them).
   *
   * @throws IllegalArgumentException if {@code bloomBytes} is negative or above 1 GiB
   * @throws NullPointerException if {@code rep} or {@code charger} is null
   */
  public Memtable(long logNumber, long bloomBytes, MemtableRep rep, ChunkCharger charger) {
    if (bloomBytes < 0) {
      throw new IllegalArgumentException("memtable bloom size must be >= 0, got " + bloomBytes);
    }
    Objects.requireNonNull(rep, "rep");
    this.logNumber = logNumber;
    this.bloom = bloomBytes == 0 ? null : new MemtableBloom(bloomBytes);
    this.bloomBytes = bloom == null ? 0 : bloom.sizeBytes();
    charger.charge(this.bloomBytes);
    this.arena = new Arena(charger);
    this.charging = charger != ChunkCharger.NONE;
    this.table = MemtableIndex.create(rep, arena);
    this.entries = table.entries();
  }

  /**
   * Bytes charged to the {@link ChunkCharger} so far: the bloom filter and the arena's chunks
   * (spares included), the memory the memtable holds but for values replaced by a second insert
   * of their internal key. 0 for a memtable made with {@link ChunkCharger#NONE}.
   */
  public long chargedBytes() {
    return charging ? bloomBytes + arena.chargedBytes() : 0;
  }

  /**
   * {@link #chargedBytes()}, final: for the owner to return when it drops the flushed memtable. A
   * spare arena chunk still being prepared is then neither charged nor allocated (charged after
   * this, it would never be returned). No write may follow.
   */
  public long releaseCharges() {
    return charging ? bloomBytes + arena.seal() : 0;
  }

  /**
   * Takes a reader's reference (an iterator's), so the owner returns the memtable's charges only
   * once the reader dropped it ({@link #release}). False once the last reference was dropped: the
   * caller reads a newer state.
   */
  public boolean tryRetain() {
    return refs.tryRetain();
  }

  /**
   * Drops a reference: the owner's (made at construction) or one {@link #tryRetain} took.
   *
   * @return true if it was the last, so the caller returns the charges ({@link #releaseCharges})
   * @throws IllegalStateException if released more often than retained
   */
  public boolean release() {
    return refs.release();
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
    Probe probe = new Probe(userKey, 0, userKey.length, (sequence << 8) | ValueType.PUT.code());
    long e = table.seek(probe);
    if (e == Entries.NIL || !entries.sameUserKey(e, probe)) {
      return LookupResult.ABSENT;
    }
    long trailer = entries.trailer(e);
    return LookupResult.decided(trailer, (trailer & 0xff) == ValueType.PUT.code() ? entries.value(e) : EMPTY);
  }

  /**
   * Memory used by the entries, in bytes: their keys, values and index nodes as laid out in the
   * arena (chunk slack not counted), plus values replaced by a second insert of their internal key.
   */
  public long approximateBytes() {
    return table.memoryBytes();
  }

  /** Whether no entry has been added. */
  public boolean isEmpty() {
    return table.cursor().first() == Entries.NIL;
  }

  /** Number of entries (all versions). O(n). */
  public int entryCount() {
    int count = 0;
    MemtableIndex.Cursor cursor = table.cursor();
    for (long e = cursor.first(); e != Entries.NIL; e = cursor.next()) {
      count++;
    }
    return count;
  }

  /** An iterator over all entries; it sees entries added after its creation (filter by sequence). */
  public InternalIterator iterator() {
    return new MemtableIterator(table.cursor(), entries);
  }

  /**
   * Iterator over the index, in both directions, through its {@link MemtableIndex.Cursor} (a
   * skiplist steps back by a search from the head, like LevelDB's {@code db/skiplist.h} {@code
   * Prev}; the B+tree within a leaf). {@link #keySlice()} and {@link #valueSlice()} view the
   * entry's bytes in the arena (or its replaced value) without copying.
   */
  private static final class MemtableIterator implements InternalIterator {
    private final MemtableIndex.Cursor cursor;
    private final Entries entries;
    /** The current entry, or {@link Entries#NIL} if not valid. */
    private long current = Entries.NIL;
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

    MemtableIterator(MemtableIndex.Cursor cursor, Entries entries) {
      this.cursor = cursor;
      this.entries = entries;
    }

    private void moveTo(long e) {
      current = e;
      key = null;
      value = null;
      valueResolved = false;
    }

    @Override
    public boolean isValid() {
      return current != Entries.NIL;
    }

    @Override
    public void seekToFirst() {
      moveTo(cursor.first());
    }

    @Override
    public void seek(byte[] target) {
      moveTo(cursor.seek(Probe.ofInternalKey(target)));
    }

    @Override
    public void seekToLast() {
      moveTo(cursor.seekBefore(null, true));
    }

    @Override
    public void seekForPrev(byte[] target) {
      moveTo(cursor.seekBefore(Probe.ofInternalKey(target), true));
    }

    @Override
    public void next() {
      requireValid();
      moveTo(cursor.next());
    }

    @Override
    public void prev() {
      requireValid();
      moveTo(cursor.previous());
    }

    private void requireValid() {
      if (current == Entries.NIL) {
        throw new IllegalStateException("iterator is not valid");
      }
    }

    @Override
    public byte[] key() {
      if (key == null) {
        requireValid();
        key = entries.internalKey(current);
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
      requireValid();
      long e = current;
      keySlice.set(entries.keyBytes(e), entries.keyOffset(e), entries.internalKeyLength(e));
      return keySlice;
    }

    @Override
    public Slice valueSlice() {
      requireValid();
      if (!valueResolved) {
        entries.viewValue(current, valueSlice);
        valueResolved = true;
      }
      return valueSlice;
    }

    @Override
    public void close() {
      moveTo(Entries.NIL);
    }
  }
}
