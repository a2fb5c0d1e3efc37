package io.stratadb.db;

import io.stratadb.Options;
import io.stratadb.compaction.TableSink;
import io.stratadb.env.FileSystem;
import io.stratadb.iterator.InternalIterator;
import io.stratadb.manifest.FileMetadata;
import io.stratadb.manifest.VersionEdit;
import io.stratadb.manifest.VersionSet;
import io.stratadb.memtable.Memtable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The SSTables being written by flushes, compactions and recovery: their file numbers, allocated
 * into a pending set before the file exists and kept there until the edit that lists them is
 * installed, so that {@link ObsoleteFiles} never deletes a table still being written (LevelDB's
 * {@code pending_outputs_}); and the table settings each level is written with.
 *
 * <p>Thread safety: thread-safe; the pending set is concurrent and numbers come from the {@link
 * VersionSet}'s atomic counter, so outputs are allocated without the DB mutex.
 */
final class TableOutputs {
  private final FileSystem fs;
  private final Path dir;
  private final Options options;
  private final VersionSet versions;
  /** Numbers of tables being written and not yet installed. */
  private final Set<Long> pending = ConcurrentHashMap.newKeySet();

  TableOutputs(FileSystem fs, Path dir, Options options, VersionSet versions) {
    this.fs = fs;
    this.dir = dir;
    this.options = options;
    this.versions = versions;
  }

  /** Allocates a table's file number and protects it from obsolete-file deletion until {@link #release}. */
  long newOutputNumber() {
    long number = versions.newFileNumber();
    pending.add(number);
    return number;
  }

  /** Ends the protection of {@code number}: its table is installed, or abandoned and deleted. */
  void release(long number) {
    pending.remove(number);
  }

  /** A copy of the pending numbers, for {@link ObsoleteFiles}. */
  Set<Long> pendingSnapshot() {
    return Set.copyOf(pending);
  }

  /** The block, restart, bloom and compression settings of tables written to {@code level}. */
  TableSink.TableSettings tableSettings(int level) {
    return new TableSink.TableSettings(options.blockSize(), options.blockRestartInterval(),
        options.bloomBitsPerKey(), options.compressionForLevel(level), options.tableLayout().alignDataBlocks());
  }

  /**
   * Writes {@code memtable} as one L0 table and adds it to {@code edit}; the number stays pending
   * until the caller installs the edit and calls {@link #release}. Returns with the directory
   * fsynced, table or not, so every file created before the call (the WAL a flush's edit names)
   * has a durable entry. Runs without the DB mutex.
   *
   * @throws IOException if the table cannot be written; a partial file is deleted
   */
  void writeLevel0Table(Memtable memtable, VersionEdit edit) throws IOException {
    TableSink sink = new TableSink(fs, dir, tableSettings(0), this::newOutputNumber, Long.MAX_VALUE);
    try (InternalIterator it = memtable.iterator()) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        sink.add(it.keySlice(), it.valueSlice());
      }
      List<FileMetadata> tables = sink.finish(); // a table written: the directory fsynced after it
      for (FileMetadata f : tables) {
        edit.addFile(0, f);
      }
      if (tables.isEmpty()) {
        // The flush's manifest edit names the WAL made at the switch, which must be durable in
        // the directory first; the sink fsyncs the directory only after writing a table.
        fs.syncDirectory(dir);
      }
    } catch (IOException | RuntimeException e) {
      sink.abandon(e);
      throw e;
    }
  }
}
