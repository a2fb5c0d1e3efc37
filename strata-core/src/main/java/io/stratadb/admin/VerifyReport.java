package io.stratadb.admin;

import java.util.List;

/**
 * What {@link DbAdmin#verify} checked and found. Immutable.
 *
 * @param damage problems that make the database fail to open or lose data when read: checksum
 *     mismatches, undecodable records or blocks, missing files, inconsistencies between the
 *     manifest and the tables; empty when the database is clean
 * @param warnings conditions recovery handles by design and that lose nothing that was
 *     acknowledged as synced: a torn tail at the end of a WAL or of the manifest (a crash during
 *     an append), tables no version lists (left by an interrupted flush or compaction)
 * @param manifestRecords manifest records read
 * @param tables SSTables checked
 * @param dataBlocks data blocks checked (each one's checksum, decompression and entries)
 * @param wals WAL files checked
 * @param walRecords WAL records read (each one a write batch)
 * @param bytes bytes of manifest, SSTable and WAL read
 */
public record VerifyReport(List<Finding> damage, List<Finding> warnings, long manifestRecords, int tables,
    long dataBlocks, int wals, long walRecords, long bytes) {

  /**
   * Copies the lists.
   *
   * @param damage problems that make the database fail to open or lose data when read: checksum
   *     mismatches, undecodable records or blocks, missing files, inconsistencies between the
   *     manifest and the tables; empty when the database is clean
   * @param warnings conditions recovery handles by design and that lose nothing that was
   *     acknowledged as synced: a torn tail at the end of a WAL or of the manifest (a crash during
   *     an append), tables no version lists (left by an interrupted flush or compaction)
   * @param manifestRecords manifest records read
   * @param tables SSTables checked
   * @param dataBlocks data blocks checked (each one's checksum, decompression and entries)
   * @param wals WAL files checked
   * @param walRecords WAL records read (each one a write batch)
   * @param bytes bytes of manifest, SSTable and WAL read
   */
  public VerifyReport {
    damage = List.copyOf(damage);
    warnings = List.copyOf(warnings);
  }

  /**
   * Whether no damage was found (warnings allowed).
   *
   * @return true if {@link #damage()} is empty
   */
  public boolean isClean() {
    return damage.isEmpty();
  }
}
