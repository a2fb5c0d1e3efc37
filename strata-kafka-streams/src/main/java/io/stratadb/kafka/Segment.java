package io.stratadb.kafka;

import io.stratadb.Bound;
import io.stratadb.Db;
import io.stratadb.DbClosedException;
import io.stratadb.DbIterator;
import io.stratadb.StrataException;
import io.stratadb.WriteBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.ProcessorStateException;

/**
 * One time segment of a window or session store: a StrataDB database of its own, in its own
 * directory, holding the keys whose segment timestamp falls in {@code [id * interval, (id + 1) *
 * interval)} (Kafka's {@code KeyValueSegment}). Expiry closes the database and deletes the
 * directory ({@link #destroy()}), so dropping old data never rewrites live data.
 *
 * <p>Thread safety: reads and writes may run concurrently (the database is thread-safe); {@link
 * #close()} may race with readers: a read of a closed segment throws {@code
 * InvalidStateStoreException}, as a closed Kafka store does, and its iterators fail with a {@code
 * DbClosedException}, which {@link SegmentIterator} reads as the end of this segment.
 */
final class Segment {

  private final long id;
  private final Path dir;
  private final StoreDb storeDb;
  private final Db db;
  private volatile boolean open = true;

  /**
   * @param id the segment id ({@code timestamp / segmentInterval})
   * @param storeDb the open database of the segment; this segment owns and closes it
   */
  Segment(long id, StoreDb storeDb) {
    this.id = id;
    this.dir = storeDb.dir();
    this.storeDb = storeDb;
    this.db = storeDb.db();
  }

  long id() {
    return id;
  }

  Path dir() {
    return dir;
  }

  /** The segment's database (for metrics; the segment owns it). */
  Db db() {
    return db;
  }

  boolean isOpen() {
    return open;
  }

  /** Stores {@code value} under {@code key}, or deletes the key when {@code value} is null. */
  void put(byte[] key, byte[] value) {
    try {
      storeDb.written();
      if (value == null) {
        db.delete(key, storeDb.writeOptions());
      } else {
        db.put(key, value, storeDb.writeOptions());
      }
    } catch (DbClosedException e) {
      throw closed(e);
    } catch (StrataException e) {
      throw failure("write to", e);
    }
  }

  /** Deletes {@code key} (a tombstone; a missing key is no error). */
  void delete(byte[] key) {
    put(key, null);
  }

  /** Whether every write so far survives a crash of the process ({@link StoreDb#holdsAllWrites()}). */
  boolean holdsAllWrites() {
    return storeDb.holdsAllWrites();
  }

  /** The value of {@code key}, or null. */
  byte[] get(byte[] key) {
    try {
      return db.get(key);
    } catch (DbClosedException e) {
      throw closed(e);
    } catch (StrataException e) {
      throw failure("read from", e);
    }
  }

  /** Applies {@code batch} atomically (restoration), without a sync. */
  void write(WriteBatch batch) {
    try {
      storeDb.written();
      db.write(batch, storeDb.writeOptions());
    } catch (DbClosedException e) {
      throw closed(e);
    } catch (StrataException e) {
      throw failure("write a batch to", e);
    }
  }

  /**
   * An iterator over {@code [from, to]} (inclusive; null: unbounded), positioned on the first key
   * when {@code forward}, else on the last; the caller closes it. Null if {@code from > to}.
   */
  DbIterator range(byte[] from, byte[] to, boolean forward) {
    if (from != null && to != null && java.util.Arrays.compareUnsigned(from, to) > 0) {
      return null;
    }
    DbIterator it =
        db.scan(
            from == null ? Bound.unbounded() : Bound.inclusive(from),
            to == null ? Bound.unbounded() : Bound.inclusive(to));
    if (!forward) {
      it.seekToLast();
    }
    return it;
  }

  /**
   * At a Kafka Streams commit: makes the writes durable if written since the last sync (flushes the
   * memtable, or fsyncs the WAL; {@link StoreDb#commit()}).
   *
   * @throws ProcessorStateException if the flush or sync fails
   */
  void commit() {
    storeDb.commit();
  }

  /**
   * Makes the writes durable if written since ({@link StoreDb#sync()}), and closes the database.
   * Idempotent.
   *
   * @throws ProcessorStateException if the database fails to sync or close
   */
  void close() {
    if (!open) {
      return;
    }
    open = false;
    storeDb.close();
  }

  /**
   * Closes the database and deletes its directory with everything in it.
   *
   * @throws ProcessorStateException if a file cannot be deleted
   */
  void destroy() {
    close();
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new ProcessorStateException("cannot delete expired segment " + dir, e);
    }
  }

  /** A segment closed under a reader (expired, or the store closed): Kafka's closed-store error. */
  private InvalidStateStoreException closed(DbClosedException e) {
    return new InvalidStateStoreException("segment " + dir + " is closed", e);
  }

  private ProcessorStateException failure(String what, StrataException e) {
    return new ProcessorStateException("cannot " + what + " segment " + dir, e);
  }

  @Override
  public String toString() {
    return "Segment(" + id + ", " + dir + ")";
  }
}
