package io.stratadb.kafka;

import io.stratadb.DbClosedException;
import io.stratadb.DbIterator;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Predicate;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * Iterates the store keys in {@code [from, to]} (inclusive; null: unbounded) of several segments
 * in turn, forward or backward, returning those that pass a filter (Kafka's {@code
 * SegmentIterator} with its {@code HasNextCondition}). Keys and values are the stored bytes.
 *
 * <p>A segment closed under the iterator (expired by another thread's put) ends that segment's
 * part of the iteration, as in Kafka: its data has expired.
 *
 * <p>Not thread-safe. Close it: an open iterator pins the current segment's memtables and tables.
 */
final class SegmentIterator implements KeyValueIterator<Bytes, byte[]> {

  private final Iterator<Segment> segments;
  private final byte[] from;
  private final byte[] to;
  private final boolean forward;
  private final Predicate<byte[]> filter;

  private DbIterator current;
  private byte[] nextKey;
  private byte[] nextValue;
  private boolean closed;

  /**
   * @param segments the segments, in the iteration's order
   * @param from the inclusive lower store-key bound, or null
   * @param to the inclusive upper store-key bound, or null
   * @param forward ascending keys within each segment when true, else descending
   * @param filter which store keys to return
   */
  SegmentIterator(
      Iterator<Segment> segments, byte[] from, byte[] to, boolean forward, Predicate<byte[]> filter) {
    this.segments = segments;
    this.from = from;
    this.to = to;
    this.forward = forward;
    this.filter = filter;
  }

  /**
   * {@inheritDoc}
   *
   * @throws InvalidStateStoreException if the iterator is closed
   */
  @Override
  public boolean hasNext() {
    if (closed) {
      throw new InvalidStateStoreException("the iterator is closed");
    }
    while (nextKey == null) {
      if (current == null) {
        if (!segments.hasNext()) {
          return false;
        }
        current = openOn(segments.next());
        continue;
      }
      try {
        if (!current.isValid()) {
          closeCurrent();
          continue;
        }
        byte[] key = current.key();
        if (filter.test(key)) {
          nextKey = key;
          nextValue = current.value();
        }
        step();
      } catch (DbClosedException segmentClosed) {
        closeCurrent();
      }
    }
    return true;
  }

  private DbIterator openOn(Segment segment) {
    try {
      return segment.range(from, to, forward);
    } catch (DbClosedException segmentClosed) {
      return null;
    }
  }

  private void step() {
    if (forward) {
      current.next();
    } else {
      current.prev();
    }
  }

  @Override
  public KeyValue<Bytes, byte[]> next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    KeyValue<Bytes, byte[]> kv = KeyValue.pair(Bytes.wrap(nextKey), nextValue);
    nextKey = null;
    nextValue = null;
    return kv;
  }

  @Override
  public Bytes peekNextKey() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return Bytes.wrap(nextKey);
  }

  private void closeCurrent() {
    if (current != null) {
      current.close();
      current = null;
    }
  }

  /** Releases the current segment's iterator. Idempotent. */
  @Override
  public void close() {
    closed = true;
    closeCurrent();
  }
}
