package io.stratadb.admin;

import io.stratadb.manifest.VersionEdit;
import java.util.List;

/**
 * One record of a manifest: a change from one version of the database's table set to the next
 * (LevelDB's {@code VersionEdit}). A field the edit does not set is null. Immutable.
 *
 * @param offset byte offset of the record in the manifest file
 * @param comparatorName the key comparator's name (set in a manifest's first record), or null
 * @param logNumber the WAL number from which recovery replays, or null
 * @param nextFileNumber the next file number to allocate, or null
 * @param lastSequence the last sequence number used, or null
 * @param deletedTables tables removed from the version
 * @param addedTables tables added to the version
 */
public record ManifestEdit(long offset, String comparatorName, Long logNumber, Long nextFileNumber,
    Long lastSequence, List<DeletedTable> deletedTables, List<AddedTable> addedTables) {

  /**
   * A table removed from a level.
   *
   * @param level the level, from 0
   * @param number the table's file number
   */
  public record DeletedTable(int level, long number) {}

  /**
   * A table added to a level.
   *
   * @param level the level, from 0
   * @param table the table
   */
  public record AddedTable(int level, TableFile table) {}

  /**
   * Copies the lists.
   *
   * @param offset byte offset of the record in the manifest file
   * @param comparatorName the key comparator's name (set in a manifest's first record), or null
   * @param logNumber the WAL number from which recovery replays, or null
   * @param nextFileNumber the next file number to allocate, or null
   * @param lastSequence the last sequence number used, or null
   * @param deletedTables tables removed from the version
   * @param addedTables tables added to the version
   */
  public ManifestEdit {
    deletedTables = List.copyOf(deletedTables);
    addedTables = List.copyOf(addedTables);
  }

  /** The public view of a decoded edit read at {@code offset}. */
  static ManifestEdit of(long offset, VersionEdit edit) {
    return new ManifestEdit(offset, edit.comparatorName(), edit.logNumber(), edit.nextFileNumber(),
        edit.lastSequence(),
        edit.deletedFiles().stream().map(d -> new DeletedTable(d.level(), d.number())).toList(),
        edit.newFiles().stream().map(f -> new AddedTable(f.level(), TableFile.of(f.file()))).toList());
  }
}
