package io.stratadb.compaction;

import io.stratadb.Compression;
import io.stratadb.env.FileSystem;
import io.stratadb.key.InternalKey;
import io.stratadb.manifest.FileMetadata;
import io.stratadb.manifest.FileNames;
import io.stratadb.sstable.TableBuilder;
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
 * <p>Not thread-safe. On failure call {@link #abandon()}, which deletes every output.
 */
public final class TableSink {

  /** How SSTables are built: block size, restart interval, bloom bits, data block compression. */
  public record TableSettings(int blockSize, int restartInterval, int bloomBitsPerKey, Compression compression) {
    /** Settings without compression. */
    public TableSettings(int blockSize, int restartInterval, int bloomBitsPerKey) {
      this(blockSize, restartInterval, bloomBitsPerKey, Compression.NONE);
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
  private byte[] lastKey;

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
   * Appends an entry; keys must arrive in internal-key order.
   *
   * @throws IOException if writing a table fails
   */
  public void add(byte[] ikey, byte[] value) throws IOException {
    if (builder != null && builder.estimatedFileSize() >= targetFileSize
        && !InternalKey.sameUserKey(lastKey, ikey)) {
      finishTable();
    }
    if (builder == null) {
      builderNumber = newFileNumber.getAsLong();
      allocated.add(builderNumber);
      builder = new TableBuilder(fs.newWritableFile(FileNames.table(dir, builderNumber)),
          settings.blockSize(), settings.restartInterval(), settings.bloomBitsPerKey(), settings.compression());
    }
    builder.add(ikey, value);
    lastKey = ikey;
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
