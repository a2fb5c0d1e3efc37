package io.stratadb.cli.command;

import io.stratadb.Db;
import io.stratadb.WriteBatch;
import io.stratadb.WriteOptions;

/**
 * Groups puts and deletes into {@link WriteBatch}es of a fixed number of operations and writes
 * each full batch to the database. {@link #flush()} writes a partial batch; until then its
 * operations are not in the database. Not thread-safe.
 */
final class BatchWriter {

  private final Db db;
  private final int batchSize;
  private final WriteOptions writeOptions;
  private final WriteBatch batch = new WriteBatch();
  private long pendingBytes;
  private long written;
  private long writtenBytes;

  /**
   * @param db the database to write to; not closed by this class
   * @param batchSize operations per batch, at least 1
   * @param writeOptions options for every batch write
   * @throws IllegalArgumentException if {@code batchSize < 1}
   */
  BatchWriter(Db db, int batchSize, WriteOptions writeOptions) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
    }
    this.db = db;
    this.batchSize = batchSize;
    this.writeOptions = writeOptions;
  }

  /**
   * Adds a put, writing the batch if it is now full.
   *
   * @throws io.stratadb.StrataException or {@link IllegalArgumentException} from {@link
   *     Db#write(WriteBatch, WriteOptions)}
   */
  void put(byte[] key, byte[] value) {
    batch.put(key, value);
    pendingBytes += key.length + value.length;
    maybeWrite();
  }

  /** Adds a delete, writing the batch if it is now full. Throws as {@link #put}. */
  void delete(byte[] key) {
    batch.delete(key);
    pendingBytes += key.length;
    maybeWrite();
  }

  /** Writes the pending operations, if any. Throws as {@link #put}. */
  void flush() {
    if (batch.count() == 0) {
      return;
    }
    db.write(batch, writeOptions);
    written += batch.count();
    writtenBytes += pendingBytes;
    batch.clear();
    pendingBytes = 0;
  }

  /** Operations written to the database so far (pending ones excluded). */
  long written() {
    return written;
  }

  /** Operations added but not written: those of the batch a failed write left pending. */
  long pending() {
    return batch.count();
  }

  /** Key plus value bytes of the operations written so far. */
  long writtenBytes() {
    return writtenBytes;
  }

  private void maybeWrite() {
    if (batch.count() >= batchSize) {
      flush();
    }
  }
}
