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
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * Writes a sorted stream of internal entries into one or more SSTables, starting a new table once
 * the current one reaches the target size, but never between two versions of one user key (so the
 * tables of a sorted run never share a user key). Used by memtable flushes and compactions.
 *
 * <p>Entries may be views ({@link #add(Slice, Slice)}) that the caller re-points after each call:
 * the sink and its table builders copy what they keep.
 *
 * <p>Each finished table is fsynced before {@link #finish()} returns. With a syncer executor the
 * fsync of a finished table runs there while the next table is built (at most {@link
 * #MAX_PENDING_SYNCS} at a time), so a compaction's merging overlaps the device's writes instead of
 * waiting for each table's in turn.
 *
 * <p>Not thread-safe. On failure call {@link #abandon(Throwable)}, which deletes every output.
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

  /** Finished tables whose fsync may be under way at once; a further one waits for the oldest. */
  static final int MAX_PENDING_SYNCS = 2;

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
  /** Runs the fsyncs of finished tables; null to sync on the caller's thread. */
  private final Executor syncer;
  /** The fsyncs handed to {@link #syncer} and not yet awaited, oldest first. */
  private final ArrayDeque<CompletableFuture<Void>> pendingSyncs = new ArrayDeque<>();

  /**
   * @param newFileNumber allocates the number of each new table (the caller protects it from
   *     obsolete-file deletion until the tables are installed)
   * @param targetFileSize size in bytes after which a new table is started; {@link Long#MAX_VALUE}
   *     for one table
   */
  public TableSink(FileSystem fs, Path dir, TableSettings settings, LongSupplier newFileNumber, long targetFileSize) {
    this(fs, dir, settings, newFileNumber, targetFileSize, null);
  }

  /**
   * A sink whose finished tables are fsynced on {@code syncer} while the next one is built.
   *
   * @param syncer runs the fsyncs (a task may wait there behind others); null to sync on the
   *     caller's thread
   */
  public TableSink(FileSystem fs, Path dir, TableSettings settings, LongSupplier newFileNumber, long targetFileSize,
      Executor syncer) {
    this.fs = fs;
    this.dir = dir;
    this.settings = settings;
    this.newFileNumber = newFileNumber;
    this.targetFileSize = targetFileSize;
    this.syncer = syncer;
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
    TableBuilder.TableInfo info = builder.finishUnsynced();
    TableBuilder finished = builder;
    builder = null;
    outputs.add(new FileMetadata(builderNumber, info.fileSize(), info.smallest(), info.largest()));
    if (syncer == null) {
      finished.syncAndClose();
      return;
    }
    CompletableFuture<Void> sync;
    try {
      sync = CompletableFuture.runAsync(() -> {
        try {
          finished.syncAndClose();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }, syncer);
    } catch (RuntimeException | Error e) { // e.g. the syncer was shut down: close the file here
      finished.abandon();
      throw e;
    }
    pendingSyncs.addLast(sync);
    if (pendingSyncs.size() > MAX_PENDING_SYNCS) {
      await(pendingSyncs.removeFirst());
    }
  }

  /** Waits for {@code sync}, rethrowing its failure. */
  private static void await(CompletableFuture<Void> sync) throws IOException {
    try {
      sync.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof UncheckedIOException io) {
        throw io.getCause();
      }
      throw e;
    }
  }

  /** Waits for every pending fsync, rethrowing the first failure once all have ended. */
  private void awaitSyncs() throws IOException {
    IOException failure = null;
    while (!pendingSyncs.isEmpty()) {
      try {
        await(pendingSyncs.removeFirst());
      } catch (IOException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
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
    awaitSyncs();
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
    try {
      awaitSyncs(); // their files are closed before they are deleted
    } catch (IOException | RuntimeException e) {
      if (e != cause) {
        cause.addSuppressed(e);
      }
    }
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
