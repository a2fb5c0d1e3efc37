package io.stratadb.admin;

import io.stratadb.Options;
import io.stratadb.StrataIOException;
import io.stratadb.env.FileSystem;
import io.stratadb.env.LocalFileSystem;
import java.nio.file.Path;

/**
 * Checks and repairs a closed database directory: {@link #verify} reads every checksum of every
 * file without opening the database (RocksDB's {@code ldb checkconsistency}), {@link #repair}
 * salvages what is readable from a damaged one (LevelDB's {@code RepairDB}). Stateless;
 * thread-safe.
 */
public final class DbAdmin {
  private DbAdmin() {}

  /** Subdirectory of the database directory into which {@link #repair} moves the replaced files. */
  public static final String LOST_DIR = DbRepairer.LOST_DIR;

  /**
   * Verifies the database in {@code dir} on the local file system: {@code CURRENT}, every record of
   * the manifest, every live SSTable (footer, index, filter, every data block's checksum,
   * decompression and key order, size and key range against the manifest) and every WAL recovery
   * would replay. Unlike recovery it does not stop at the first damage: the report lists every
   * damaged record and block with its file and offset. Nothing is written and the {@code LOCK} is
   * not taken; run it on a closed database (on an open one it may report a WAL append in progress
   * as a torn tail).
   *
   * @param dir the database directory
   * @return what was checked and every problem found
   * @throws IllegalArgumentException if {@code dir} does not exist
   * @throws StrataIOException if a file cannot be listed or read
   */
  public static VerifyReport verify(Path dir) {
    return verify(LocalFileSystem.INSTANCE, dir);
  }

  /**
   * {@link #verify(Path)} on the file system {@code fs} (the one the database is used with, e.g.
   * an in-memory or fault-injecting one in tests).
   *
   * @param fs the file system the database lives on
   * @param dir the database directory
   * @return what was checked and every problem found
   * @throws IllegalArgumentException if {@code dir} does not exist
   * @throws StrataIOException if a file cannot be listed or read
   */
  public static VerifyReport verify(FileSystem fs, Path dir) {
    return DbVerifier.verify(fs, dir);
  }

  /**
   * Repairs the database in {@code dir}: replays every readable WAL record and every SSTable block
   * that passes its checksum, writes the newest version of each live key to new level-1 tables
   * under a new manifest, and moves every old manifest, WAL and table into {@link #LOST_DIR}
   * (nothing is deleted). The new tables use {@code options}' block size, restart interval, bloom
   * bits, compression and target file size, and its file system. If the newest version of a key
   * was in a dropped block, an older one becomes visible again. Takes the database's {@code LOCK}.
   *
   * @param dir the database directory
   * @param options the options the database is used with
   * @return what was salvaged, dropped and moved
   * @throws IllegalArgumentException if {@code dir} does not exist or holds no database files
   * @throws StrataIOException if the database is locked (open in a process) or a file operation
   *     fails
   */
  public static RepairReport repair(Path dir, Options options) {
    return DbRepairer.repair(dir, options);
  }
}
