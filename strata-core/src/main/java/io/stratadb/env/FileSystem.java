package io.stratadb.env;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Every file operation the engine performs, behind one small interface so that tests can inject
 * faults or simulate power loss (LevelDB's {@code Env}, Pebble's {@code vfs.FS}).
 *
 * <p>Implementations must be thread-safe. Every method throws {@link IOException} on failure.
 */
public interface FileSystem {

  /**
   * Creates (or truncates) {@code path} for appending.
   *
   * @param path the file to create
   * @return the file, open for appending at offset 0
   * @throws IOException if the file cannot be created
   */
  WritableFile newWritableFile(Path path) throws IOException;

  /**
   * Creates (or truncates) {@code path} for a log appended in small records, each flushed as it
   * is written (a WAL). An implementation may map the file into memory so that a flush costs no
   * system call, as {@link LocalFileSystem} does: the file may then end in zeroes after a crash,
   * which {@code LogReader} reads as the end of the log. The default is {@link #newWritableFile}.
   *
   * @param path the log file to create
   * @return the file, open for appending at offset 0
   * @throws IOException if the file cannot be created or mapped
   */
  default WritableFile newLogFile(Path path) throws IOException {
    return newWritableFile(path);
  }

  /**
   * Opens {@code path} for positional reads.
   *
   * @param path an existing file
   * @return the open file
   * @throws IOException if the file does not exist or cannot be opened
   */
  ReadableFile openReadable(Path path) throws IOException;

  /**
   * Opens {@code path}, a file that is complete and will never change again (an SSTable), for
   * positional reads. An implementation may map it into memory, as {@link LocalFileSystem} does; the
   * default opens it like any file with {@link #openReadable}.
   *
   * @param path an existing, complete file
   * @return the open file
   * @throws IOException if the file does not exist or cannot be opened or mapped
   */
  default ReadableFile openImmutable(Path path) throws IOException {
    return openReadable(path);
  }

  /**
   * As {@link #openImmutable(Path)} when {@code map}; otherwise opens the file for positional reads
   * that are never served from a memory mapping ({@code pread}: a read costs a system call and
   * reads exactly the bytes asked for). Table readers choose with {@link io.stratadb.ReadMode}. The
   * default opens the unmapped file with {@link #openReadable}.
   *
   * @param path an existing, complete file
   * @param map whether the file may be memory-mapped
   * @return the open file
   * @throws IOException if the file does not exist or cannot be opened or mapped
   */
  default ReadableFile openImmutable(Path path, boolean map) throws IOException {
    return map ? openImmutable(path) : openReadable(path);
  }

  /**
   * Opens {@code path}, an immutable file, for positional reads that bypass the operating
   * system's page cache where the file system allows ({@code O_DIRECT}; RocksDB's {@code
   * use_direct_reads}): every read goes to the device, so only the caller's own caches hold data.
   * The default opens it with {@link #openReadable} (through the cache).
   *
   * @param path an existing, complete file
   * @return the open file
   * @throws IOException if the file cannot be opened, or not for direct reads (e.g. on tmpfs)
   */
  default ReadableFile openDirect(Path path) throws IOException {
    return openReadable(path);
  }

  /**
   * Atomically replaces {@code target} with {@code source} (POSIX rename).
   *
   * @param source the existing file
   * @param target the new name; replaced if it exists
   * @throws IOException if the rename fails
   */
  void rename(Path source, Path target) throws IOException;

  /**
   * Deletes {@code path} if it exists.
   *
   * @param path the file to delete
   * @throws IOException if it exists and cannot be deleted
   */
  void deleteIfExists(Path path) throws IOException;

  /**
   * {@return whether {@code path} exists}
   *
   * @param path the path to test
   */
  boolean exists(Path path);

  /**
   * {@return the names of the regular files directly in {@code dir}, in no particular order}
   *
   * @param dir the directory to list
   * @throws IOException if the directory cannot be listed
   */
  List<String> listFileNames(Path dir) throws IOException;

  /**
   * Creates {@code dir} and any missing parents.
   *
   * @param dir the directory to create
   * @throws IOException if a directory cannot be created
   */
  void createDirectories(Path dir) throws IOException;

  /**
   * Fsyncs the directory so that renames, creations and deletions in it are durable.
   *
   * @param dir the directory to sync
   * @throws IOException if the fsync fails
   */
  void syncDirectory(Path dir) throws IOException;

  /**
   * Takes an exclusive lock on {@code path} (created if absent), held until the returned handle is
   * closed; {@link FileLockHandle#isValid()} tells whether the path still names the locked file.
   *
   * @param path the lock file
   * @return the handle; closing it releases the lock
   * @throws IOException if another process or handle holds the lock
   */
  FileLockHandle lock(Path path) throws IOException;

  /**
   * Makes {@code link} a second name of the existing file {@code existing} (a POSIX hard link): both
   * names share one copy of the data, and deleting either leaves the other intact. Checkpoints link
   * SSTables this way (RocksDB's {@code Env::LinkFile}). The default supports no links.
   *
   * @param existing the existing file
   * @param link the new name, which must not exist
   * @throws IOException if the link cannot be made: {@code link} exists, the two paths are on
   *     different file systems, or the file system has no hard links (callers then copy)
   */
  default void link(Path existing, Path link) throws IOException {
    throw new IOException("hard links are not supported by " + getClass().getName());
  }
}
