package io.stratadb.sstable;

/**
 * How an opening table charges its index and filter blocks to the block cache ({@link
 * BlockCache#reserve}, {@link BlockCache#tryReserve}); {@link TableCache} chooses, {@link
 * TableReader#open} applies it.
 */
enum TableCharge {
  /** Always, also beyond the capacity. */
  ALWAYS,
  /** Only if they fit ({@link BlockCache#tryReserve}); else the table is not opened. */
  IF_FITS,
  /** Not at all: a table opened for one read under the strict limit, closed after it. */
  NEVER
}
