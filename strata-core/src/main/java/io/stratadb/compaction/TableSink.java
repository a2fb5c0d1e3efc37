package io.stratadb.compaction;

import io.stratadb.Compression;
import io.stratadb.env.FileSystem;
import io.stratadb.key.InternalKey;
import io.stratadb.manifest.FileMetadata;
import io.stratadb.manifest.FileNames;
import io.stratadb.sstable.TableBuilder;
import io.stratadb.util.ByteSink;
import io.stratadb.util.Slice;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Writes a sorted stream of internal entries into one or more SSTables, starting a new table once
 * the current one reaches the target size, but never between two versions of one user key (so the
 * tables of a sorted run never share a user key). Used by memtable flushes and compactions.
 *
 * <p>Entries may be views ({@link #add(Slice, Slice)}) that the caller re-points after each call:
 * the sink and its table builders copy what they keep.
 *
 * <p>Not thread-safe. On failure call {@link #abandon()}, which deletes every output.
 */
public final class TableSink {

  /**
   * How SSTables are built: block size, restart interval, bloom bits, data block compression, and
   * whether uncompressed data blocks are aligned ({@link io.stratadb.TableLayout#alignDataBlocks()}).
   */
  public record TableSettings(int blockSize, int restartInterval, int bloomBitsPerKey, Compression compression,
      boolean alignDataBlocks) {
    /** Settings without compression or alignment. */
    public TableSettings(int blockSize, int restartInterval, int bloomBitsPerKey) {
      this(blockSize, restartInterval, bloomBitsPerKey, Compression.NONE);
    }

    /** Settings without alignment. */
    public TableSettings(int blockSize, int restartInterval, int bloomBitsPerKey, Compression compression) {
      this(blockSize, restartInterval, bloomBitsPerKey, compression, false);
    }
  }

  private final FileSystem fs;
  private final Path dir;
  private final TableSettings settings;
  private final LongSupplier newFileNumber;
  private final long targetFileSize;
  private final List<FileMetadata> outputs = new ArrayList<>();
  private final List<Long> allocated = new ArrayList<>();
  private TableBuilder builder;
  private long builderNumber;
  /** A copy of the user key of the last entry added. */
  private final ByteSink lastUserKey = new ByteSink(64);

  /**
   * @param newFileNumber allocates the number of each new table (the caller protects it from
   *     obsolete-file deletion until the tables are installed)
   * @param targetFileSize size in bytes after which a new table is started; {@link Long#MAX_VALUE}
   *     for one table
   */
  public TableSink(FileSystem fs, Path dir, TableSettings settings, LongSupplier newFileNumber, long targetFileSize) {
    this.fs = fs;
    this.dir = dir;
    this.settings = settings;
    this.newFileNumber = newFileNumber;
    this.targetFileSize = targetFileSize;
  }

  /**
   * Appends an entry whose key and value are arrays; as {@link #add(Slice, Slice)}.
   *
   * @throws IllegalArgumentException if {@code ikey} is malformed or out of order
   * @throws IOException if writing a table fails
   */
  public void add(byte[] ikey, byte[] value) throws IOException {
    add(new Slice(ikey, 0, ikey.length), new Slice(value, 0, value.length));
  }

  /**
   * Appends an entry given as views of an encoded internal key and its value, copying their bytes
   * (no reference to the slices or their arrays is kept); keys must arrive in internal-key order.
   *
   * @throws IllegalArgumentException if {@code ikey} is shorter than its trailer or out of order
   * @throws IOException if writing a table fails
   */
  public void add(Slice ikey, Slice value) throws IOException {
    byte[] k = ikey.array();
    int kOff = ikey.offset();
    int userLen = ikey.length() - InternalKey.TRAILER_BYTES;
    if (userLen < 0) {
      throw new IllegalArgumentException("internal key of " + ikey.length() + " bytes is shorter than its trailer");
    }
    if (builder != null && builder.estimatedFileSize() >= targetFileSize
        && !lastUserKey.contentEquals(k, kOff, userLen)) {
      finishTable();
    }
    if (builder == null) {
      builderNumber = newFileNumber.getAsLong();
      allocated.add(builderNumber);
      builder = new TableBuilder(fs.newWritableFile(FileNames.table(dir, builderNumber)),
          settings.blockSize(), settings.restartInterval(), settings.bloomBitsPerKey(), settings.compression(),
          settings.alignDataBlocks());
    }
    builder.add(ikey, value);
    lastUserKey.copyOf(k, kOff, userLen);
  }

  private void finishTable() throws IOException {
    TableBuilder.TableInfo info = builder.finish();
    outputs.add(new FileMetadata(builderNumber, info.fileSize(), info.smallest(), info.largest()));
    builder = null;
  }

  /**
   * Finishes the last table (each table is fsynced) and returns all outputs in key order.
   *
   * @throws IOException if writing fails
   */
  public List<FileMetadata> finish() throws IOException {
    if (builder != null) {
      finishTable();
    }
    if (!allocated.isEmpty()) {
      fs.syncDirectory(dir);
    }
    return outputs;
  }

  /** File numbers allocated so far, including unfinished tables. */
  public List<Long> allocatedNumbers() {
    return allocated;
  }

  /**
   * Closes and deletes every table written or started. Failures to delete are added to {@code
   * cause} as suppressed exceptions (the files are then removed as garbage on the next open).
   */
  public void abandon(Throwable cause) {
    if (builder != null) {
      builder.abandon();
      builder = null;
    }
    for (long number : allocated) {
      try {
        fs.deleteIfExists(FileNames.table(dir, number));
      } catch (IOException e) {
        cause.addSuppressed(e);
      }
    }
  }
}
