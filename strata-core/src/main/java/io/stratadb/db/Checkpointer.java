package io.stratadb.db;

import io.stratadb.StrataIOException;
import io.stratadb.env.FileSystem;
import io.stratadb.env.ReadableFile;
import io.stratadb.env.WritableFile;
import io.stratadb.manifest.FileMetadata;
import io.stratadb.manifest.FileNames;
import io.stratadb.manifest.Version;
import io.stratadb.manifest.VersionEdit;
import io.stratadb.manifest.VersionSet;
import io.stratadb.memtable.Memtable;
import io.stratadb.record.LogWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongUnaryOperator;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a checkpoint: an openable copy of a live database in another directory, after RocksDB's
 * {@code Checkpoint::CreateCheckpoint} ({@code utilities/checkpoint}). The live files are captured
 * at one instant, with no write, flush or compaction install running ({@link LiveFiles}): the
 * current version (pinned, so no table of it is deleted meanwhile, as RocksDB disables file
 * deletions), the WALs of the memtables (opened then, so a flush deleting one cannot take it away,
 * and measured then, as RocksDB copies a WAL up to its size at that instant), the last sequence and
 * a fresh file number. Then, with writes going on:
 *
 * <ol>
 *   <li>every SSTable of the version is hard-linked into {@code <target>.tmp} ({@link
 *       FileSystem#link}), or copied when linking fails (another file system);
 *   <li>each WAL is copied up to its captured size, which ends on a record boundary, so the copy
 *       holds every write acknowledged before the capture and no part of a later one;
 *   <li>a fresh manifest holding the version as one snapshot record is written, and {@code CURRENT}
 *       pointed at it; every file written is fsynced;
 *   <li>{@code <target>.tmp} is renamed to {@code target}, so a checkpoint either appears whole or
 *       not at all.
 * </ol>
 *
 * <p>Opening the copy replays its WALs as any recovery does. A hard link shares the table's data
 * with the source, so a compaction deleting the table from the source leaves the copy's name
 * intact. Not thread-safe: one instance makes one checkpoint.
 */
final class Checkpointer {
  private static final Logger LOG = LoggerFactory.getLogger(Checkpointer.class);
  private static final int COPY_BUFFER_BYTES = 64 << 10;

  /**
   * The database's live files at one instant, captured by the caller while no write or version
   * change runs. The caller hands over one reference to {@code version} and the open WALs: {@link
   * #create} releases and closes them.
   *
   * @param version the current version, retained for the checkpoint
   * @param logNumber the version set's log number: WALs below it are fully in SSTables
   * @param wals the memtables' WALs, opened at the capture, oldest first
   * @param walNumbers their file numbers, in the same order
   * @param walSizes their sizes in bytes at the capture
   * @param lastSequence the sequence number of the newest acknowledged write
   * @param manifestNumber a file number allocated for the checkpoint's manifest, above every
   *     file number in use
   */
  record LiveFiles(Version version, long logNumber, List<ReadableFile> wals, List<Long> walNumbers,
      List<Long> walSizes, long lastSequence, long manifestNumber) {}

  /**
   * Captures the live files of the database in {@code dir}. REQUIRES: no write runs (the caller
   * has the write queue's exclusive right) and no version or memtable change (the caller holds the
   * database mutex), so {@code version}, {@code logNumber} and {@code memtables} belong together
   * and every WAL ends on a record boundary.
   *
   * @param version the current version; a reference is taken here
   * @param memtables the current memtables, newest first
   * @param walBytes bytes written to the WAL of a given number while it is open, -1 once closed
   *     (its file then holds exactly them): an open file may be longer (a mapped WAL grows by
   *     zeroed regions that later writes fill, and is cut to its records when closed)
   * @param manifestNumber a freshly allocated file number
   * @throws StrataIOException if a WAL cannot be opened (nothing is then held)
   */
  static LiveFiles capture(FileSystem fs, Path dir, Version version, long logNumber, List<Memtable> memtables,
      LongUnaryOperator walBytes, long lastSequence, long manifestNumber) {
    if (!version.tryRetain()) {
      throw new IllegalStateException("the current version is dead"); // the state holds a reference
    }
    List<ReadableFile> wals = new ArrayList<>();
    List<Long> numbers = new ArrayList<>();
    List<Long> sizes = new ArrayList<>();
    try {
      for (int i = memtables.size() - 1; i >= 0; i--) {
        long number = memtables.get(i).logNumber();
        ReadableFile wal = fs.openReadable(FileNames.log(dir, number));
        wals.add(wal);
        numbers.add(number);
        long written = walBytes.applyAsLong(number);
        sizes.add(written >= 0 ? Math.min(written, wal.size()) : wal.size());
      }
    } catch (IOException e) {
      release(new LiveFiles(version, logNumber, wals, numbers, sizes, lastSequence, manifestNumber));
      throw new StrataIOException("cannot open the WALs of " + dir + " for a checkpoint", e);
    }
    return new LiveFiles(version, logNumber, List.copyOf(wals), List.copyOf(numbers), List.copyOf(sizes),
        lastSequence, manifestNumber);
  }

  private final FileSystem fs;
  private final Path dir;

  /** A checkpointer of the database in {@code dir}. */
  Checkpointer(FileSystem fs, Path dir) {
    this.fs = fs;
    this.dir = dir;
  }

  /**
   * Makes a checkpoint of the database in {@code target}.
   *
   * @param capture captures the live files; called once, after the target is checked
   * @throws IllegalArgumentException if {@code target} is null, or it or {@code <target>.tmp}
   *     exists (a stale {@code .tmp} is left by a checkpoint interrupted by a crash: delete it)
   * @throws StrataIOException if a file cannot be read, linked, copied or written; the partial
   *     copy is removed and the database is unaffected
   */
  void create(Path target, Supplier<LiveFiles> capture) {
    if (target == null) {
      throw new IllegalArgumentException("checkpoint directory must not be null");
    }
    Path absolute = target.toAbsolutePath().normalize();
    Path staging = absolute.resolveSibling(absolute.getFileName() + ".tmp");
    if (fs.exists(absolute)) {
      throw new IllegalArgumentException("checkpoint directory already exists: " + target);
    }
    if (fs.exists(staging)) {
      throw new IllegalArgumentException("checkpoint staging directory " + staging
          + " exists (left by an interrupted checkpoint?): delete it first");
    }
    LiveFiles live = capture.get();
    try {
      fs.createDirectories(staging);
      writeFiles(live, staging);
      fs.rename(staging, absolute);
      fs.syncDirectory(absolute.getParent());
    } catch (IOException | RuntimeException e) {
      removeQuietly(staging, e);
      if (e instanceof RuntimeException re) {
        throw re;
      }
      throw new StrataIOException("checkpoint of " + dir + " into " + target + " failed", (IOException) e);
    } finally {
      release(live);
    }
    LOG.debug("checkpoint of {} in {}: last sequence {}", dir, target, live.lastSequence());
  }

  private void writeFiles(LiveFiles live, Path staging) throws IOException {
    for (int level = 0; level < Version.NUM_LEVELS; level++) {
      for (FileMetadata f : live.version().files(level)) {
        linkOrCopy(FileNames.table(dir, f.number()), FileNames.table(staging, f.number()));
      }
    }
    for (int i = 0; i < live.wals().size(); i++) {
      Path wal = FileNames.log(staging, live.walNumbers().get(i));
      copy(live.wals().get(i), live.walSizes().get(i), wal);
    }
    VersionEdit snapshot = VersionSet.snapshotEdit(live.version(), live.logNumber(), live.lastSequence(),
        live.manifestNumber() + 1);
    Path manifest = FileNames.manifest(staging, live.manifestNumber());
    try (LogWriter writer = new LogWriter(fs.newWritableFile(manifest))) {
      writer.addRecord(snapshot.encode());
      writer.sync();
    }
    VersionSet.writeCurrentFile(fs, staging, live.manifestNumber()); // syncs the directory
  }

  /** Hard-links {@code source} as {@code target}; copies it when the file system cannot link it. */
  private void linkOrCopy(Path source, Path target) throws IOException {
    try {
      fs.link(source, target);
      return;
    } catch (IOException e) {
      LOG.debug("cannot link {} ({}): copying it", source, e.toString());
    }
    try (ReadableFile in = fs.openReadable(source)) {
      copy(in, in.size(), target);
    }
  }

  /** Copies the first {@code length} bytes of {@code in} into a new file {@code target}, synced. */
  private void copy(ReadableFile in, long length, Path target) throws IOException {
    byte[] buffer = new byte[COPY_BUFFER_BYTES];
    try (WritableFile out = fs.newWritableFile(target)) {
      for (long position = 0; position < length; ) {
        int n = in.read(position, buffer, 0, (int) Math.min(buffer.length, length - position));
        if (n <= 0) {
          throw new IOException("file shrank below " + length + " bytes while copying it to " + target);
        }
        out.append(buffer, 0, n);
        position += n;
      }
      out.sync();
    }
  }

  private static void release(LiveFiles live) {
    live.version().release();
    for (ReadableFile wal : live.wals()) {
      try {
        wal.close();
      } catch (IOException e) {
        LOG.warn("closing a WAL read for a checkpoint failed", e);
      }
    }
  }

  /** Deletes the partial checkpoint, attaching any failure to {@code primary}. */
  private void removeQuietly(Path staging, Exception primary) {
    try {
      if (fs.exists(staging)) {
        List<String> names = new ArrayList<>(fs.listFileNames(staging));
        for (String name : names) {
          fs.deleteIfExists(staging.resolve(name));
        }
        fs.deleteIfExists(staging);
      }
    } catch (IOException | RuntimeException e) {
      primary.addSuppressed(e);
    }
  }
}
