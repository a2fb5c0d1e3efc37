package io.stratadb.key;

/**
 * The outcome of looking a user key up in one source (memtable or SSTable): found with a value,
 * found deleted (a tombstone that hides older sources), or absent (look further), with the
 * sequence number of the entry that decided it. Immutable.
 */
public final class LookupResult {

  /** The key has no entry in this source at the requested sequence number. */
  public static final LookupResult ABSENT = new LookupResult(null, false, 0);

  /**
   * As {@link #ABSENT}, but learnt by reading a data block of an SSTable that its key range and
   * bloom filter had admitted: the wasted read that seek-triggered compaction counts (LevelDB's
   * {@code GetStats::seek_file}). Not decided; look further.
   */
  public static final LookupResult MISSED = new LookupResult(null, false, 0);

  private final byte[] value;
  private final boolean deleted;
  private final long sequence;

  private LookupResult(byte[] value, boolean deleted, long sequence) {
    this.value = value;
    this.deleted = deleted;
    this.sequence = sequence;
  }

  /** Whether this source decides the lookup (found or deleted): older sources need not be read. */
  public boolean isDecided() {
    return value != null || deleted;
  }

  /** Whether the deciding entry is a tombstone. */
  public boolean isDeleted() {
    return deleted;
  }

  /** The value, or null if deleted or absent. */
  public byte[] value() {
    return value;
  }

  /** Sequence number of the deciding entry (put or tombstone); 0 when absent. */
  public long sequence() {
    return sequence;
  }

  /**
   * The entry with {@code trailer} decides the lookup: a tombstone or a put of {@code value}.
   *
   * @param trailer the entry's packed trailer ({@link InternalKey#trailer})
   * @throws IllegalArgumentException for an unknown type code
   */
  public static LookupResult decided(long trailer, byte[] value) {
    boolean deleted = ValueType.fromCode((int) (trailer & 0xff)) == ValueType.DELETE;
    return new LookupResult(deleted ? null : value, deleted, trailer >>> 8);
  }

  /**
   * Interprets the first entry at or after a lookup key: decided if it has {@code userKey}.
   *
   * @param ikey the internal key found, or null if none
   * @param value its value
   */
  public static LookupResult fromEntry(byte[] userKey, byte[] ikey, byte[] value) {
    if (ikey == null || InternalKey.compareUserKey(ikey, userKey) != 0) {
      return ABSENT;
    }
    boolean deleted = InternalKey.type(ikey) == ValueType.DELETE;
    return new LookupResult(deleted ? null : value, deleted, InternalKey.sequence(ikey));
  }
}
