package io.stratadb.admin;

import java.util.List;

/**
 * What {@link DbAdmin#repair} salvaged, dropped and moved aside. Immutable.
 *
 * @param damage every damaged record, block or file met, with file and offset: what was dropped
 * @param warnings what was dropped by design: torn WAL tails (unsynced writes cut by a crash)
 * @param walsRead WAL files read
 * @param walBatches write batches recovered from them
 * @param tablesRead SSTables read (including unreadable ones)
 * @param tablesDamaged SSTables with at least one dropped block, or unreadable as a whole
 * @param blocksDropped data blocks dropped from readable tables
 * @param entriesWritten entries (the newest version of each live key) written to the new tables
 * @param newTables file numbers of the tables written, all at level 1, in key order
 * @param manifestNumber number of the new manifest {@code CURRENT} now names
 * @param lastSequence last sequence number recorded in it (the highest one seen)
 * @param movedToLost names of the files moved into {@code lost/}: the old manifests, the WALs and
 *     the old tables, damaged or not, and a copy of the old {@code CURRENT}
 */
public record RepairReport(List<Finding> damage, List<Finding> warnings, int walsRead, long walBatches,
    int tablesRead, int tablesDamaged, long blocksDropped, long entriesWritten, List<Long> newTables,
    long manifestNumber, long lastSequence, List<String> movedToLost) {

  /**
   * Copies the lists.
   *
   * @param damage every damaged record, block or file met, with file and offset: what was dropped
   * @param warnings what was dropped by design: torn WAL tails (unsynced writes cut by a crash)
   * @param walsRead WAL files read
   * @param walBatches write batches recovered from them
   * @param tablesRead SSTables read (including unreadable ones)
   * @param tablesDamaged SSTables with at least one dropped block, or unreadable as a whole
   * @param blocksDropped data blocks dropped from readable tables
   * @param entriesWritten entries (the newest version of each live key) written to the new tables
   * @param newTables file numbers of the tables written, all at level 1, in key order
   * @param manifestNumber number of the new manifest {@code CURRENT} now names
   * @param lastSequence last sequence number recorded in it (the highest one seen)
   * @param movedToLost names of the files moved into {@code lost/}: the old manifests, the WALs and
   *     the old tables, damaged or not, and a copy of the old {@code CURRENT}
   */
  public RepairReport {
    damage = List.copyOf(damage);
    warnings = List.copyOf(warnings);
    newTables = List.copyOf(newTables);
    movedToLost = List.copyOf(movedToLost);
  }
}
