package io.stratadb.env;

import java.io.IOException;

/**
 * An exclusive lock held on a file, returned by {@link FileSystem#lock}; closing it releases the
 * lock. A POSIX lock belongs to the open file, not to its name: if the file is deleted or replaced
 * while locked, another process can create and lock a new file of the same name. {@link
 * #isValid()} tells whether that happened, so the holder can stop writing (StrataDB then turns
 * the database read-only; see {@code docs/RELIABILITY.md}).
 *
 * <p>Thread safety: implementations are thread-safe.
 */
public interface FileLockHandle extends AutoCloseable {
  /**
   * Whether the lock is still held on the file its path names now: false once the lock was
   * released, or the file was deleted or replaced by another (a different inode) since it was
   * locked. May touch the file system (one {@code stat}).
   *
   * @return true while this handle's lock still guards the file at its path
   */
  boolean isValid();

  /**
   * Releases the lock.
   *
   * @throws IOException if releasing or closing fails
   */
  @Override
  void close() throws IOException;
}
