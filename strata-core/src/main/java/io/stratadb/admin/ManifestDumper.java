package io.stratadb.admin;

import io.stratadb.CorruptionException;
import io.stratadb.StrataIOException;
import io.stratadb.env.FileSystem;
import io.stratadb.env.LocalFileSystem;
import io.stratadb.env.ReadableFile;
import io.stratadb.manifest.FileMetadata;
import io.stratadb.manifest.Version;
import io.stratadb.manifest.VersionEdit;
import io.stratadb.manifest.VersionSet;
import io.stratadb.record.LogReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a manifest for {@code strata manifest-dump} (RocksDB's {@code ldb manifest_dump}): every
 * version edit ({@link ManifestEdit}) with its offset, then the version they add up to, replayed as
 * recovery does (a torn tail is dropped and reported, damage followed by valid records throws).
 * Reads the local file system. Stateless; thread-safe.
 */
public final class ManifestDumper {
  private ManifestDumper() {}

  /** Receives the manifest's edits in order. */
  @FunctionalInterface
  public interface EditVisitor {
    /**
     * One edit, in file order.
     *
     * @param edit the edit, with the file offset of its record
     */
    void edit(ManifestEdit edit);
  }

  /**
   * What the whole manifest adds up to.
   *
   * @param file the manifest's path
   * @param fileSize its size in bytes
   * @param records version edits read
   * @param logNumber the last log number set, or null if none was
   * @param nextFileNumber the last next file number set, or null
   * @param lastSequence the last last-sequence set, or null
   * @param levels the resulting version: one list of tables per level (L0 first, as many lists as
   *     the engine has levels), L0 newest first, other levels by key
   * @param droppedTailOffset where a torn tail began (dropped, as recovery drops it), or -1
   */
  public record Result(String file, long fileSize, long records, Long logNumber, Long nextFileNumber,
      Long lastSequence, List<List<TableFile>> levels, long droppedTailOffset) {

    /**
     * Copies the lists.
     *
     * @param file the manifest's path
     * @param fileSize its size in bytes
     * @param records version edits read
     * @param logNumber the last log number set, or null if none was
     * @param nextFileNumber the last next file number set, or null
     * @param lastSequence the last last-sequence set, or null
     * @param levels the resulting version: one list of tables per level (L0 first, as many lists as
     *     the engine has levels), L0 newest first, other levels by key
     * @param droppedTailOffset where a torn tail began (dropped, as recovery drops it), or -1
     */
    public Result {
      levels = levels.stream().map(List::copyOf).toList();
    }
  }

  /**
   * The manifest {@code CURRENT} names in the database directory {@code dir}: the live one.
   *
   * @param dir the database directory
   * @return the manifest's path, {@code dir/MANIFEST-NNNNNN}
   * @throws IllegalArgumentException if {@code dir} holds no CURRENT file
   * @throws CorruptionException if CURRENT is damaged
   * @throws StrataIOException if it cannot be read
   */
  public static Path currentManifest(Path dir) {
    FileSystem fs = LocalFileSystem.INSTANCE;
    if (!fs.exists(dir.resolve("CURRENT"))) {
      throw new IllegalArgumentException("no database at " + dir + " (no CURRENT file)");
    }
    return dir.resolve(VersionSet.readCurrent(fs, dir));
  }

  /**
   * Reads the manifest at {@code path}, passing each edit to {@code visitor} as it is read.
   *
   * @param path the manifest file
   * @param visitor receives the edits in order
   * @return what the whole manifest adds up to
   * @throws IllegalArgumentException if there is no such file
   * @throws CorruptionException if a record is damaged and valid records follow, or an edit does
   *     not decode (names the file and the record's offset); the edits before it were visited
   * @throws StrataIOException if the file cannot be read
   */
  public static Result dump(Path path, EditVisitor visitor) {
    FileSystem fs = LocalFileSystem.INSTANCE;
    if (!fs.exists(path)) {
      throw new IllegalArgumentException("no such file: " + path);
    }
    String name = path.toString();
    List<List<FileMetadata>> empty = new ArrayList<>();
    for (int level = 0; level < Version.NUM_LEVELS; level++) {
      empty.add(List.of());
    }
    Version version = Version.detached(empty);
    Long logNumber = null;
    Long nextFileNumber = null;
    Long lastSequence = null;
    long records = 0;
    try (ReadableFile file = fs.openReadable(path);
        LogReader reader = new LogReader(file, name)) {
      byte[] record;
      while ((record = reader.readRecord()) != null) {
        long offset = reader.lastRecordOffset();
        VersionEdit edit = VersionEdit.decode(record, name, offset);
        records++;
        visitor.edit(ManifestEdit.of(offset, edit));
        logNumber = edit.logNumber() != null ? edit.logNumber() : logNumber;
        nextFileNumber = edit.nextFileNumber() != null ? edit.nextFileNumber() : nextFileNumber;
        lastSequence = edit.lastSequence() != null ? edit.lastSequence() : lastSequence;
        version = version.detachedApply(edit);
      }
      List<List<TableFile>> levels = new ArrayList<>();
      for (int level = 0; level < Version.NUM_LEVELS; level++) {
        levels.add(version.files(level).stream().map(TableFile::of).toList());
      }
      return new Result(name, file.size(), records, logNumber, nextFileNumber, lastSequence, levels,
          reader.droppedTailOffset());
    } catch (IOException e) {
      throw new StrataIOException("cannot read manifest " + name, e);
    }
  }
}
