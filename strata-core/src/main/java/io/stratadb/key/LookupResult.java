package io.stratadb.key;

/**
 * The outcome of looking a user key up in one source (memtable or SSTable): found with a value,
 * found deleted (a tombstone that hides older sources), or absent (look further). Immutable.
 */
public final class LookupResult {

  /** The key has no entry in this source at the requested sequence number. */
  public static final LookupResult ABSENT = new LookupResult(null, false);

  /** The newest visible entry is a tombstone. */
  public static final LookupResult DELETED = new LookupResult(null, true);

  private final byte[] value;
  private final boolean deleted;

  private LookupResult(byte[] value, boolean deleted) {
    this.value = value;
    this.deleted = deleted;
  }

  /** A found value. */
  public static LookupResult found(byte[] value) {
    return new LookupResult(value, false);
  }

  /** Whether this source decides the lookup (found or deleted): older sources need not be read. */
  public boolean isDecided() {
    return value != null || deleted;
  }

  /** The value, or null if deleted or absent. */
  public byte[] value() {
    return value;
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
    return InternalKey.type(ikey) == ValueType.PUT ? found(value) : DELETED;
  }
}
