package io.stratadb.manifest;

import io.stratadb.CorruptionException;
import io.stratadb.StrataIOException;
import io.stratadb.env.FileSystem;
import io.stratadb.env.ReadableFile;
import io.stratadb.env.WritableFile;
import io.stratadb.record.LogReader;
import io.stratadb.record.LogWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The manifest and the current {@link Version} (LevelDB's {@code db/version_set.cc}). Every change
 * to the set of SSTables is a {@link VersionEdit} appended to the manifest and fsynced before the
 * new version is installed, so a crash at any point leaves the manifest describing either the old
 * or the new version. On open the manifest is replayed, then rewritten as a one-record snapshot in
 * a new manifest file, and {@code CURRENT} is switched to it by atomic rename; the same rewrite
 * happens when the manifest grows past {@code maxManifestFileSize} bytes.
 *
 * <p>Thread safety: {@link #logAndApply} must be serialised by the caller (the DB's manifest lock,
 * taken without its mutex: the write and fsync happen under no other lock); {@link #current()},
 * {@link #newFileNumber()}, {@link #liveFiles()}, {@link #logNumber()}, {@link #lastSequence()},
 * {@link #manifestNumber()} and {@link #accountsFor} may be called from any thread.
 */
public final class VersionSet implements Closeable {
  /**
   * File numbers each manifest edit reserves beyond those already handed out: an edit records
   * {@code nextFileNumber + FILE_NUMBER_RESERVE}, so every file this database creates before its
   * next edit (WALs, SSTables of a flush or compaction that may crash before its edit) has a
   * number the manifest history accounts for; see {@link #accountsFor(long)}.
   */
  static final long FILE_NUMBER_RESERVE = 1000;

  private final FileSystem fs;
  private final Path dir;
  private final long maxManifestFileSize;
  private final AtomicLong nextFileNumber = new AtomicLong(2);
  /** Versions with references: the current one and those pinned by readers. Guarded by itself. */
  private final Set<Version> liveVersions = Collections.newSetFromMap(new IdentityHashMap<>());
  private final Runnable onVersionDropped;
  // Written by the (serialised) manifest writer; volatile so that any thread may read them.
  private volatile Version current;
  private volatile long logNumber;
  private volatile long lastSequence;
  private volatile long manifestNumber;
  /** Used only by the manifest writer. */
  private LogWriter manifest;
  /** The next file number the manifest last recorded: numbers below it are accounted for. */
  private long reservedFileNumber;
  /** Numbers below this were accounted for by the manifest history replayed at open. */
  private long historyFileNumber;
  /** Numbers from this on are handed out by this process; set once, at open. */
  private long firstOwnFileNumber;
  /** See {@link #unaccountedFiles()}; set once, at open. */
  private List<String> unaccountedFiles = List.of();

  private VersionSet(FileSystem fs, Path dir, long maxManifestFileSize, Runnable onVersionDropped) {
    this.fs = fs;
    this.dir = dir;
    this.maxManifestFileSize = maxManifestFileSize;
    this.onVersionDropped = onVersionDropped;
    this.current = Version.empty(this::unreferenced);
    synchronized (liveVersions) {
      liveVersions.add(current);
    }
  }

  /**
   * Creates the manifest of a new, empty database and points {@code CURRENT} at it.
   *
   * @param onVersionDropped called (on any thread) when a version loses its last reference, so the
   *     caller can delete files no version lists any more
   * @throws StrataIOException if the files cannot be written
   */
  public static VersionSet create(FileSystem fs, Path dir, long maxManifestFileSize, Runnable onVersionDropped) {
    VersionSet set = new VersionSet(fs, dir, maxManifestFileSize, onVersionDropped);
    set.firstOwnFileNumber = set.nextFileNumber.get();
    set.writeSnapshotManifest();
    return set;
  }

  /**
   * Replays the manifest named by {@code CURRENT}, then starts a fresh manifest holding a snapshot.
   *
   * @throws CorruptionException if CURRENT or the manifest is damaged
   * @throws StrataIOException if the files cannot be read or written
   */
  public static VersionSet recover(FileSystem fs, Path dir, long maxManifestFileSize, Runnable onVersionDropped) {
    VersionSet set = new VersionSet(fs, dir, maxManifestFileSize, onVersionDropped);
    set.replay();
    set.writeSnapshotManifest();
    return set;
  }

  /**
   * Replays the manifest named by {@code CURRENT} and writes nothing: for a read-only open. The
   * result must not be written to ({@link #logAndApply} fails: there is no manifest open).
   *
   * @throws CorruptionException if CURRENT or the manifest is damaged
   * @throws StrataIOException if the files cannot be read
   */
  public static VersionSet recoverReadOnly(FileSystem fs, Path dir, Runnable onVersionDropped) {
    VersionSet set = new VersionSet(fs, dir, Long.MAX_VALUE, onVersionDropped);
    set.replay();
    return set;
  }

  private void replay() {
    String manifestName = readCurrent();
    Path path = dir.resolve(manifestName);
    String name = path.toString();
    boolean sawNextFile = false;
    boolean sawLastSequence = false;
    long logNumberOffset = -1;
    Map<Long, Long> addedAt = new HashMap<>();
    long end;
    Version version = current;
    if (!fs.exists(path)) {
      throw new CorruptionException(FileNames.current(dir).toString(), 0,
          "CURRENT names " + manifestName + ", which does not exist");
    }
    try (ReadableFile file = fs.openReadable(path);
        LogReader reader = new LogReader(file, name)) {
      byte[] record;
      while ((record = reader.readRecord()) != null) {
        long offset = reader.lastRecordOffset();
        VersionEdit edit = VersionEdit.decode(record, name, offset);
        if (edit.comparatorName() != null && !edit.comparatorName().equals(VersionEdit.COMPARATOR_NAME)) {
          throw new CorruptionException(name, offset,
              "comparator " + edit.comparatorName() + " does not match " + VersionEdit.COMPARATOR_NAME);
        }
        if (edit.logNumber() != null) {
          logNumber = edit.logNumber();
          logNumberOffset = offset;
        }
        if (edit.nextFileNumber() != null) {
          nextFileNumber.set(edit.nextFileNumber());
          sawNextFile = true;
        }
        if (edit.lastSequence() != null) {
          lastSequence = edit.lastSequence();
          sawLastSequence = true;
        }
        for (VersionEdit.NewFile f : edit.newFiles()) {
          addedAt.put(f.file().number(), offset);
        }
        version = version.apply(edit);
      }
      end = reader.droppedTailOffset() >= 0 ? reader.droppedTailOffset() : file.size();
    } catch (IOException e) {
      throw new StrataIOException("cannot read manifest " + name, e);
    }
    if (logNumberOffset < 0 || !sawNextFile || !sawLastSequence) {
      throw new CorruptionException(name, end, "manifest lacks log number, next file number or last sequence");
    }
    historyFileNumber = nextFileNumber.get();
    reservedFileNumber = historyFileNumber;
    checkFilesExist(version, name, logNumberOffset, addedAt);
    markFileNumberUsed(logNumber);
    firstOwnFileNumber = nextFileNumber.get();
    install(version);
  }

  /**
   * Fails if a table the manifest lists, or the WAL its log number names, is missing (LevelDB's
   * {@code DBImpl::Recover} check for tables). Tables are deleted only after an edit dropping them
   * is synced, and WAL {@code n} is created before an edit sets the log number to {@code n} and
   * deleted only after one sets it higher; so either file missing means the manifest lost edits
   * (a cut or damaged tail) or the file was removed behind the database's back, and opening would
   * silently lose or resurrect data.
   */
  private void checkFilesExist(Version version, String manifestName, long logNumberOffset, Map<Long, Long> addedAt) {
    Set<String> present;
    try {
      present = new HashSet<>(fs.listFileNames(dir));
    } catch (IOException e) {
      throw new StrataIOException("cannot list " + dir, e);
    }
    markUnaccountedFilesUsed(present);
    for (int level = 0; level < Version.NUM_LEVELS; level++) {
      for (FileMetadata f : version.files(level)) {
        String table = FileNames.table(dir, f.number()).getFileName().toString();
        if (!present.contains(table)) {
          throw new CorruptionException(manifestName, addedAt.getOrDefault(f.number(), -1L),
              "manifest lists SSTable " + table + " at L" + level + ", which does not exist");
        }
      }
    }
    if (logNumber > 0 && !present.contains(FileNames.log(dir, logNumber).getFileName().toString())) {
      throw new CorruptionException(manifestName, logNumberOffset, "manifest log number " + logNumber
          + " names a WAL that does not exist (the manifest lost its newest edits, or the WAL was removed)");
    }
  }

  /**
   * Files whose numbers the replayed history never handed out (a newer state's tables after a
   * {@code CURRENT} that was rolled back, files copied in by hand, a manifest left by a crash
   * during a manifest switch) are never deleted: their numbers are marked used so that no new file
   * overwrites them, and they are listed by {@link #unaccountedFiles()} for the opener to move
   * aside.
   */
  private void markUnaccountedFilesUsed(Set<String> present) {
    List<String> found = new ArrayList<>();
    for (String fileName : present) {
      FileNames.Parsed parsed = FileNames.parse(fileName);
      if (parsed != null && parsed.number() >= historyFileNumber && parsed.kind() != FileNames.Kind.LOG) {
        markFileNumberUsed(parsed.number());
        found.add(fileName);
      }
    }
    found.sort(null);
    unaccountedFiles = List.copyOf(found);
  }

  /**
   * The SSTables, manifests and temporary files found at open whose numbers the replayed manifest
   * history never handed out (see {@link #accountsFor}); empty for a new database.
   */
  public List<String> unaccountedFiles() {
    return unaccountedFiles;
  }

  /**
   * Whether file number {@code number} was handed out by the manifest history this database
   * replayed at open or by this process since, so that deleting the file when no version needs
   * it is safe. Files beyond the history (see {@link #markUnaccountedFilesUsed}) are not.
   * Thread-safe (the bounds are fixed at open).
   */
  public boolean accountsFor(long number) {
    return number < historyFileNumber || number >= firstOwnFileNumber;
  }

  private String readCurrent() {
    return readCurrent(fs, dir);
  }

  /**
   * The name of the manifest {@code CURRENT} in {@code dir} names, e.g. {@code MANIFEST-000007}
   * (also for {@code strata manifest-dump --db}).
   *
   * @throws CorruptionException if CURRENT is too large, lacks its newline or names no manifest
   * @throws StrataIOException if CURRENT cannot be read
   */
  public static String readCurrent(FileSystem fs, Path dir) {
    Path path = FileNames.current(dir);
    byte[] content;
    try (ReadableFile file = fs.openReadable(path)) {
      long size = file.size();
      if (size > 256) {
        throw new CorruptionException(path.toString(), 0, "CURRENT file too large (" + size + " bytes)");
      }
      content = new byte[(int) size];
      file.read(0, content, 0, content.length);
    } catch (IOException e) {
      throw new StrataIOException("cannot read " + path, e);
    }
    String text = new String(content, StandardCharsets.UTF_8);
    if (!text.endsWith("\n")) {
      throw new CorruptionException(path.toString(), 0, "CURRENT file does not end with a newline");
    }
    String name = text.substring(0, text.length() - 1);
    FileNames.Parsed parsed = FileNames.parse(name);
    if (parsed == null || parsed.kind() != FileNames.Kind.MANIFEST) {
      throw new CorruptionException(path.toString(), 0, "CURRENT does not name a manifest: " + name);
    }
    return name;
  }

  /** Writes the current state as one record into a new manifest and switches CURRENT to it. */
  /**
   * The version edit that opens a fresh manifest: the comparator, the log and sequence state and
   * every table of {@code version}, so replaying this one edit rebuilds it (LevelDB's
   * {@code VersionSet::WriteSnapshot}).
   */
  public static VersionEdit snapshotEdit(Version version, long logNumber, long lastSequence, long nextFileNumber) {
    VersionEdit snapshot = new VersionEdit().comparatorName(VersionEdit.COMPARATOR_NAME)
        .logNumber(logNumber).lastSequence(lastSequence);
    version.addAllFiles(snapshot);
    return snapshot.nextFileNumber(nextFileNumber);
  }

  private void writeSnapshotManifest() {
    // A new manifest starts above every number the old one reserved, so that a CURRENT rolled
    // back to the old manifest never accounts for a file of the new one.
    markFileNumberUsed(reservedFileNumber - 1);
    long number = newFileNumber();
    Path path = FileNames.manifest(dir, number);
    long reserve = nextFileNumber.get() + FILE_NUMBER_RESERVE;
    VersionEdit snapshot = snapshotEdit(current, logNumber, lastSequence, reserve);
    LogWriter writer = null;
    try {
      writer = new LogWriter(fs.newWritableFile(path));
      writer.addRecord(snapshot.encode());
      writer.sync();
      setCurrent(number);
    } catch (IOException e) {
      closeAfterFailure(writer, e);
      throw new StrataIOException("cannot write manifest " + path, e);
    }
    LogWriter old = manifest;
    manifest = writer;
    manifestNumber = number;
    reservedFileNumber = reserve;
    if (old != null) {
      try {
        old.close();
      } catch (IOException e) {
        throw new StrataIOException("cannot close old manifest", e);
      }
    }
  }

  private static void closeAfterFailure(LogWriter writer, IOException primary) {
    if (writer != null) {
      try {
        writer.close();
      } catch (IOException e) {
        primary.addSuppressed(e);
      }
    }
  }

  private void setCurrent(long manifestNumber) throws IOException {
    writeCurrentFile(fs, dir, manifestNumber);
  }

  /**
   * Points {@code CURRENT} in {@code dir} at {@code MANIFEST-<manifestNumber>} atomically (LevelDB's
   * {@code SetCurrentFile}): writes {@code NNNNNN.dbtmp}, fsyncs it, renames it over {@code CURRENT}
   * and fsyncs the directory. Used on open and by {@code strata repair}.
   *
   * @throws IOException if a step fails; CURRENT then names the old manifest or the new one
   */
  public static void writeCurrentFile(FileSystem fs, Path dir, long manifestNumber) throws IOException {
    Path temp = FileNames.temp(dir, manifestNumber);
    byte[] content = (FileNames.manifestName(manifestNumber) + "\n").getBytes(StandardCharsets.UTF_8);
    try (WritableFile file = fs.newWritableFile(temp)) {
      file.append(content, 0, content.length);
      file.sync();
    }
    fs.rename(temp, FileNames.current(dir));
    fs.syncDirectory(dir);
  }

  /**
   * Appends {@code edit} to the manifest, fsyncs it, and installs the resulting version. The
   * edit's next file number is filled in here. Callers serialise calls.
   *
   * @throws StrataIOException if the manifest write or sync fails; the old version stays current
   */
  public void logAndApply(VersionEdit edit) {
    if (manifest.size() > maxManifestFileSize) {
      // Rewrite before applying, so a failed rewrite leaves the old version current.
      writeSnapshotManifest();
    }
    if (edit.logNumber() == null) {
      edit.logNumber(logNumber);
    }
    if (edit.lastSequence() == null || edit.lastSequence() < lastSequence) {
      // Never backwards: an edit may have read its sequence before another writer of the
      // manifest recorded a later one (recovery takes the manifest's as a floor).
      edit.lastSequence(lastSequence);
    }
    long reserve = nextFileNumber.get() + FILE_NUMBER_RESERVE;
    edit.nextFileNumber(reserve);
    Version next = current.apply(edit);
    try {
      manifest.addRecord(edit.encode());
      manifest.sync();
    } catch (IOException e) {
      next.release();
      throw new StrataIOException("cannot write manifest " + FileNames.manifestName(manifestNumber), e);
    }
    logNumber = edit.logNumber();
    lastSequence = edit.lastSequence();
    reservedFileNumber = reserve;
    install(next);
  }

  private void install(Version next) {
    synchronized (liveVersions) {
      liveVersions.add(next);
    }
    Version old = current;
    current = next;
    old.release();
  }

  private void unreferenced(Version version) {
    synchronized (liveVersions) {
      liveVersions.remove(version);
    }
    onVersionDropped.run();
  }

  /** The current version. Take a reference with {@link Version#tryRetain()} before reading it. */
  public Version current() {
    return current;
  }

  /** Allocates a file number. */
  public long newFileNumber() {
    return nextFileNumber.getAndIncrement();
  }

  /** Ensures future file numbers are above {@code number}. */
  public void markFileNumberUsed(long number) {
    nextFileNumber.accumulateAndGet(number + 1, Math::max);
  }

  /** WALs below this number are obsolete. */
  public long logNumber() {
    return logNumber;
  }

  /** The last sequence number recorded in the manifest. */
  public long lastSequence() {
    return lastSequence;
  }

  /** The live manifest's file number. */
  public long manifestNumber() {
    return manifestNumber;
  }

  /** Numbers of the SSTables listed by any live version. */
  public Set<Long> liveFiles() {
    Set<Long> live = new HashSet<>();
    synchronized (liveVersions) {
      for (Version v : liveVersions) {
        for (int level = 0; level < Version.NUM_LEVELS; level++) {
          for (FileMetadata f : v.files(level)) {
            live.add(f.number());
          }
        }
      }
    }
    return live;
  }

  /** Closes the manifest file. */
  @Override
  public void close() throws IOException {
    if (manifest != null) {
      manifest.close();
    }
  }
}
