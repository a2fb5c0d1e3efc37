package io.stratadb.kafka;

import io.stratadb.Bound;
import io.stratadb.Db;
import io.stratadb.DbIterator;
import io.stratadb.StrataException;
import java.util.NoSuchElementException;
import java.util.Set;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.internals.ManagedKeyValueIterator;

/**
 * A Kafka {@link KeyValueIterator} over a key range of a StrataDB database, ascending or
 * descending, reading the database as of its creation (a {@link DbIterator} pins one point in
 * time). The range is inclusive at both ends, as Kafka's {@code range(from, to)}; either end may be
 * open.
 *
 * <p>Every iterator must be closed: it pins memtables and SSTables until then. The store keeps the
 * open ones in {@code openIterators} and closes them when it closes; an iterator closed that way
 * throws {@link InvalidStateStoreException} from {@link #hasNext()}, {@link #next()} and {@link
 * #peekNextKey()}, as Kafka's RocksDB iterators do.
 *
 * <p>It is a Kafka {@code ManagedKeyValueIterator} (an internal interface): Kafka's adapter that
 * serves a plain store under a timestamped one ({@code KeyValueToTimestampedKeyValueByteStoreAdapter})
 * casts range query results to it, as Kafka's own store iterators are.
 *
 * <p>Thread safety: one iterator is used by one thread, but the store closes it from the stream
 * thread at store close, possibly while an interactive-query thread is reading it; {@link
 * #hasNext()}, {@link #next()}, {@link #peekNextKey()} and {@link #close()} are synchronized, as
 * Kafka's RocksDB iterators are, so the reader sees either a value or {@code
 * InvalidStateStoreException}, never the closed database iterator.
 */
final class StrataKeyValueIterator implements ManagedKeyValueIterator<Bytes, byte[]> {

  private final String storeName;
  private final DbIterator it;
  private final boolean forward;
  private final Set<StrataKeyValueIterator> openIterators;
  private volatile boolean open = true;
  private Runnable closeCallback;

  /**
   * Opens an iterator over the keys of {@code db} between {@code lower} and {@code upper} and
   * registers it in {@code openIterators}.
   *
   * @param forward ascending if true, descending otherwise
   * @throws ProcessorStateException if the database fails to read
   */
  StrataKeyValueIterator(String storeName, Db db, Bound lower, Bound upper, boolean forward,
      Set<StrataKeyValueIterator> openIterators) {
    this.storeName = storeName;
    this.forward = forward;
    this.openIterators = openIterators;
    try {
      this.it = db.scan(lower, upper);
      try {
        if (forward) {
          it.seekToFirst();
        } else {
          it.seekToLast();
        }
      } catch (RuntimeException e) {
        it.close();
        throw e;
      }
    } catch (StrataException e) {
      throw StoreErrors.translate(storeName, "opening an iterator on", e);
    }
    openIterators.add(this);
  }

  /** An inclusive bound at {@code key}, or no bound if it is null (Kafka's open range ends). */
  static Bound inclusiveOrOpen(Bytes key) {
    return key == null ? Bound.unbounded() : Bound.inclusive(key.get());
  }

  /**
   * The range of the keys that start with {@code prefix}: from the prefix, inclusive, to the
   * smallest key above all of them, exclusive (open if the prefix is empty or all 0xFF bytes).
   */
  static Bound[] prefixRange(byte[] prefix) {
    int end = prefix.length;
    while (end > 0 && prefix[end - 1] == (byte) 0xFF) {
      end--;
    }
    if (end == 0) {
      return new Bound[] {Bound.inclusive(prefix), Bound.unbounded()};
    }
    byte[] next = java.util.Arrays.copyOf(prefix, end);
    next[end - 1]++;
    return new Bound[] {Bound.inclusive(prefix), Bound.exclusive(next)};
  }

  /** An iterator over nothing, for ranges that are empty by construction; needs no closing. */
  static KeyValueIterator<Bytes, byte[]> empty() {
    return new ManagedKeyValueIterator<>() {
      @Override
      public void onClose(Runnable callback) {}

      @Override
      public boolean hasNext() {
        return false;
      }

      @Override
      public KeyValue<Bytes, byte[]> next() {
        throw new NoSuchElementException();
      }

      @Override
      public Bytes peekNextKey() {
        throw new NoSuchElementException();
      }

      @Override
      public void close() {}
    };
  }

  private void checkOpen() {
    if (!open) {
      throw new InvalidStateStoreException("StrataDB iterator for store " + storeName + " has closed");
    }
  }

  /**
   * Whether there is a next pair.
   *
   * @throws InvalidStateStoreException if the iterator or its database was closed
   * @throws ProcessorStateException if the database fails to read
   */
  @Override
  public synchronized boolean hasNext() {
    checkOpen();
    try {
      return it.isValid();
    } catch (StrataException e) {
      throw StoreErrors.translate(storeName, "reading", e);
    }
  }

  /**
   * The next pair, then steps.
   *
   * @throws NoSuchElementException if there is none
   * @throws InvalidStateStoreException if the iterator was closed
   * @throws ProcessorStateException if the database fails to read
   */
  @Override
  public synchronized KeyValue<Bytes, byte[]> next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    try {
      KeyValue<Bytes, byte[]> kv = KeyValue.pair(Bytes.wrap(it.key()), it.value());
      if (forward) {
        it.next();
      } else {
        it.prev();
      }
      return kv;
    } catch (StrataException e) {
      throw StoreErrors.translate(storeName, "reading", e);
    }
  }

  /**
   * The key {@link #next()} returns, without stepping.
   *
   * @throws NoSuchElementException if there is none
   */
  @Override
  public synchronized Bytes peekNextKey() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    try {
      return Bytes.wrap(it.key());
    } catch (StrataException e) {
      throw StoreErrors.translate(storeName, "reading", e);
    }
  }

  /** Runs {@code callback} when the iterator closes (Kafka's adapters use it to track theirs). */
  @Override
  public void onClose(Runnable callback) {
    closeCallback = callback;
  }

  /** Releases the pinned state, then runs the {@link #onClose} callback. Idempotent. */
  @Override
  public synchronized void close() {
    if (open) {
      open = false;
      openIterators.remove(this);
      it.close();
      if (closeCallback != null) {
        closeCallback.run();
      }
    }
  }
}
