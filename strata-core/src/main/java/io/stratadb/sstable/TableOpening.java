package io.stratadb.sstable;

import io.stratadb.StrataIOException;
import io.stratadb.env.FileSystem;
import io.stratadb.env.ReadableFile;
import io.stratadb.statistics.Statistics;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Opening an SSTable for a {@link TableReader}: the file opened as {@link TableReadOptions} says,
 * the {@link Footer}, index block and bloom filter read and checksum-verified (LevelDB's {@code
 * Table::Open}), and their bytes charged to the block cache as {@link TableCharge} says (RocksDB's
 * {@code cache_index_and_filter_blocks} charging). A failure closes the file and returns every
 * charge. Stateless; thread-safe.
 */
final class TableOpening {
  private TableOpening() {}

  /**
   * An upper bound of {@link IndexBlock#memoryBytes()} for {@code index}: its entries hold whole
   * keys (one restart point per entry, as {@link TableBuilder} writes them), so the key bytes are
   * fewer than the block's.
   */
  private static long decodedEstimate(Block index) {
    return index.size() + 48L * index.restartCount;
  }

  /**
   * {@link TableReader#open(FileSystem, Path, long, BlockCache, Statistics, boolean, TableReadOptions,
   * TableCharge, boolean)} with {@code blockCache} already retained by the caller: opens the file,
   * reads and checks the footer, the index and the filter, and charges them to the cache.
   */
  static TableReader open(FileSystem fs, Path path, long fileNumber, BlockCache blockCache,
      Statistics statistics, boolean map, TableReadOptions readOptions, TableCharge charge, boolean decodeIndex) {
    String name = path.toString();
    ReadableFile file;
    try {
      file = readOptions.open(fs, path, map);
    } catch (IOException e) {
      throw new StrataIOException("cannot open SSTable " + name, e);
    }
    BlockCache charged = blockCache == null || charge == TableCharge.NEVER ? null : blockCache;
    long chargedBytes = 0;
    try {
      Footer footer = Footer.read(file, name);
      long footerOffset = footer.offset();
      BlockHandle indexHandle = footer.index();
      BlockHandle filterHandle = footer.filter();
      // The handles' sizes bound what the reads below take (each block plus its 5-byte trailer).
      long rawBytes = indexHandle.size() + filterHandle.size();
      if (!reserve(charged, rawBytes, charge)) {
        closeQuietly(file, null);
        return null;
      }
      chargedBytes = charged == null ? 0 : rawBytes;
      Block index = new Block(BlockReader.readContents(file, name, indexHandle, footerOffset, footerOffset), name,
          indexHandle.offset());
      byte[] filter = filterHandle.size() == 0 ? null
          : BlockReader.readContents(file, name, filterHandle, footerOffset, footerOffset + 16);
      IndexBlock decoded = decodeIndex ? IndexBlock.decode(index, name, indexHandle.offset()) : null;
      long more = decoded != null ? decoded.memoryBytes() - index.size() : decodedEstimate(index);
      if (more < 0) {
        unreserveQuietly(charged, -more);
      } else if (!reserve(charged, more, charge)) {
        charged.unreserve(chargedBytes);
        closeQuietly(file, null);
        return null;
      }
      chargedBytes += charged == null ? 0 : more;
      return new TableReader(file, name, fileNumber, index, filter, footer, blockCache, statistics, readOptions,
          chargedBytes, charged == null || decoded != null ? 0 : more, decoded);
    } catch (IOException e) {
      unreserveQuietly(charged, chargedBytes);
      closeQuietly(file, e);
      throw new StrataIOException("cannot read SSTable " + name, e);
    } catch (RuntimeException | Error e) {
      unreserveQuietly(charged, chargedBytes);
      closeQuietly(file, e);
      throw e;
    }
  }

  /** Charges {@code bytes} to {@code cache} (null: nothing) as {@code charge} says; whether it was. */
  private static boolean reserve(BlockCache cache, long bytes, TableCharge charge) {
    if (cache == null) {
      return true;
    }
    if (charge == TableCharge.IF_FITS) {
      return cache.tryReserve(bytes);
    }
    cache.reserve(bytes);
    return true;
  }

  private static void unreserveQuietly(BlockCache cache, long bytes) {
    if (cache != null && bytes > 0) {
      cache.unreserve(bytes);
    }
  }

  /** Closes {@code file}; a failure is added to {@code primary}, or logged without one. */
  private static void closeQuietly(ReadableFile file, Throwable primary) {
    try {
      file.close();
    } catch (IOException e) {
      if (primary != null) {
        primary.addSuppressed(e);
      } else {
        org.slf4j.LoggerFactory.getLogger(TableOpening.class).warn("closing {} failed", file, e);
      }
    }
  }
}
