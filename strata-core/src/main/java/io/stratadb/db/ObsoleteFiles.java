package io.stratadb.db;

import io.stratadb.env.FileSystem;
import io.stratadb.manifest.FileNames;
import io.stratadb.manifest.SeekBudget;
import io.stratadb.manifest.VersionSet;
import io.stratadb.sstable.TableCache;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the files no live version, pending output or the manifest needs (LevelDB's {@code
 * DBImpl::RemoveObsoleteFiles}, Pebble's {@code obsolete_files.go}): WALs below the manifest's log
 * number, SSTables no live version lists, old manifests and stale temporary files, and only files
 * whose numbers the manifest history accounts for ({@link VersionSet#accountsFor}).
 *
 * <p>Runs without the DB mutex: it lists the directory first and reads the live set after (pending
 * outputs, then live versions), so any file it sees was registered before it was created and is
 * either still pending or already listed by a live version; the log and manifest numbers only
 * grow. Thread safety: may run on several threads at once (deleting a file twice is harmless).
 */
final class ObsoleteFiles {
  private static final Logger LOG = LoggerFactory.getLogger(ObsoleteFiles.class);

  private final FileSystem fs;
  private final Path dir;
  private final VersionSet versions;
  private final TableOutputs outputs;
  private final TableCache tableCache;
  /** Null when seek compaction is off. */
  private final SeekBudget seekBudget;
  /** Whether this process still owns the directory (its LOCK file is the locked one). */
  private final BooleanSupplier ownsDirectory;

  ObsoleteFiles(FileSystem fs, Path dir, VersionSet versions, TableOutputs outputs, TableCache tableCache,
      SeekBudget seekBudget, BooleanSupplier ownsDirectory) {
    this.fs = fs;
    this.dir = dir;
    this.versions = versions;
    this.outputs = outputs;
    this.tableCache = tableCache;
    this.seekBudget = seekBudget;
    this.ownsDirectory = ownsDirectory;
  }

  /** Deletes every obsolete file; failures are logged, never thrown (the next pass retries). */
  void deleteObsoleteFiles() {
    List<String> names;
    try {
      names = fs.listFileNames(dir);
    } catch (IOException e) {
      LOG.warn("cannot list {} to delete obsolete files", dir, e);
      return;
    }
    // A process that lost its LOCK must not delete: the files may be another process's now.
    // Checked after the listing, so any file listed was made before the lock was seen intact.
    if (!ownsDirectory.getAsBoolean()) {
      return;
    }
    // Order matters: outputs are numbered before their files exist, so the live set is read after
    // the listing, and pending outputs before live versions (an output stops being pending only
    // after the version listing it is installed).
    Set<Long> live = new HashSet<>(outputs.pendingSnapshot());
    live.addAll(versions.liveFiles());
    long logNumber = versions.logNumber();
    long manifestNumber = versions.manifestNumber();
    for (String name : names) {
      FileNames.Parsed parsed = FileNames.parse(name);
      if (parsed == null || (parsed.kind() != FileNames.Kind.LOG && !versions.accountsFor(parsed.number()))) {
        continue; // not a database file, or one the manifest history never handed out
      }
      if (!isObsolete(parsed, live, logNumber, manifestNumber)) {
        continue;
      }
      if (parsed.kind() == FileNames.Kind.TABLE) {
        tableCache.evict(parsed.number());
        if (seekBudget != null) {
          seekBudget.forget(parsed.number());
        }
      }
      try {
        fs.deleteIfExists(dir.resolve(name));
      } catch (IOException e) {
        LOG.warn("cannot delete obsolete file {}", name, e);
      }
    }
  }

  private static boolean isObsolete(FileNames.Parsed parsed, Set<Long> live, long logNumber, long manifestNumber) {
    switch (parsed.kind()) {
      case LOG:
        return parsed.number() < logNumber;
      case TABLE:
        return !live.contains(parsed.number());
      case MANIFEST:
        return parsed.number() < manifestNumber;
      case TEMP:
        // A CURRENT being switched to a new manifest is written as that manifest's number.
        return parsed.number() < manifestNumber;
      default:
        return false;
    }
  }
}
