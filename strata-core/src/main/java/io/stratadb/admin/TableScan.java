package io.stratadb.admin;

import io.stratadb.CorruptionException;
import io.stratadb.iterator.InternalIterator;
import io.stratadb.key.InternalKey;
import io.stratadb.sstable.Block;
import io.stratadb.sstable.TableReader;
import java.util.ArrayList;
import java.util.List;

/**
 * Walks an open SSTable data block by data block, checking what a reader would otherwise trust:
 * each block's checksum and decompression (by reading it), that its entries decode, that every key
 * is a well-formed internal key, that keys ascend across the whole table, that each block's index
 * key is not before its last key, and that the bloom filter admits every user key (a filter that
 * does not would hide the key from lookups). The basis of {@link DbVerifier}'s table check and of
 * {@link DbRepairer}'s salvage (LevelDB's {@code repair.cc} {@code ScanTable}).
 *
 * <p>A block that fails any per-block check is a <em>bad block</em>: it is left out of {@link
 * Result#goodBlocks()} and the scan goes on with the next block, so the good blocks' entries form
 * one ascending run. Stateless; thread-safe.
 */
final class TableScan {
  private TableScan() {}

  /**
   * What a scan found.
   *
   * @param goodBlocks index entries of the blocks whose entries all decoded, in order
   * @param problems every problem, per bad block (at the block's offset) or per table
   * @param badBlocks number of blocks left out
   * @param blocks number of data blocks in the index
   * @param entries entries in the good blocks
   * @param smallest smallest internal key of the good blocks, or null if none
   * @param largest largest internal key of the good blocks, or null if none
   * @param maxSequence highest sequence number in the good blocks, or -1
   */
  record Result(List<TableReader.IndexEntry> goodBlocks, List<Finding> problems, int badBlocks, int blocks,
      long entries, byte[] smallest, byte[] largest, long maxSequence) {}

  /**
   * Scans {@code reader} (already opened, so its footer, index and filter passed their checksums).
   *
   * @param fileName the table's name, for findings
   * @throws io.stratadb.StrataIOException if a read fails
   */
  static Result scan(TableReader reader, String fileName) {
    List<TableReader.IndexEntry> index;
    List<Finding> problems = new ArrayList<>();
    try {
      index = reader.indexEntries();
    } catch (CorruptionException e) {
      problems.add(Finding.of(e));
      return new Result(List.of(), problems, 0, 0, 0, null, null, -1);
    }
    List<TableReader.IndexEntry> good = new ArrayList<>();
    byte[] previous = null;
    byte[] smallest = null;
    long entries = 0;
    long maxSequence = -1;
    int badBlocks = 0;
    boolean filterMissesKeys = false;
    for (TableReader.IndexEntry entry : index) {
      long offset = entry.handle().offset();
      byte[] blockPrevious = previous;
      long blockEntries = 0;
      long blockMaxSequence = -1;
      byte[] first = null;
      String problem = null;
      Finding damaged = null;
      try {
        Block block = reader.readDataBlock(entry.handle());
        try (InternalIterator it = block.iterator(InternalKey.COMPARATOR)) {
          for (it.seekToFirst(); it.isValid() && problem == null; it.next()) {
            byte[] key = it.key();
            if (!InternalKey.isWellFormed(key)) {
              problem = "malformed internal key in data block";
            } else if (blockPrevious != null && InternalKey.compare(blockPrevious, key) >= 0) {
              problem = "keys out of order: " + InternalKey.toString(blockPrevious) + " then "
                  + InternalKey.toString(key);
            } else {
              if (first == null) {
                first = key;
              }
              blockPrevious = key;
              blockEntries++;
              blockMaxSequence = Math.max(blockMaxSequence, InternalKey.sequence(key));
              if (!reader.mayContain(InternalKey.userKey(key))) {
                filterMissesKeys = true;
              }
            }
          }
        }
        if (problem == null && blockPrevious != null && blockPrevious != previous
            && InternalKey.isWellFormed(entry.lastKey()) && InternalKey.compare(blockPrevious, entry.lastKey()) > 0) {
          problems.add(new Finding(fileName, offset, "index key " + InternalKey.toString(entry.lastKey())
              + " is before the block's last key " + InternalKey.toString(blockPrevious)
              + " (lookups would miss the block's tail)"));
        }
      } catch (CorruptionException e) {
        damaged = Finding.of(e);
      }
      if (problem != null) {
        damaged = new Finding(fileName, offset, "data block: " + problem);
      }
      if (damaged != null) {
        badBlocks++;
        problems.add(damaged);
        continue;
      }
      good.add(entry);
      if (smallest == null) {
        smallest = first;
      }
      previous = blockPrevious;
      entries += blockEntries;
      maxSequence = Math.max(maxSequence, blockMaxSequence);
    }
    if (filterMissesKeys) {
      problems.add(new Finding(fileName, -1, "bloom filter rejects keys the table holds (lookups would miss them)"));
    }
    return new Result(good, problems, badBlocks, index.size(), entries, smallest, previous, maxSequence);
  }
}
