package io.stratadb.admin;

import io.stratadb.Compression;
import io.stratadb.CorruptionException;
import io.stratadb.StrataIOException;
import io.stratadb.env.LocalFileSystem;
import io.stratadb.iterator.InternalIterator;
import io.stratadb.key.InternalKey;
import io.stratadb.key.ValueType;
import io.stratadb.manifest.FileNames;
import io.stratadb.sstable.Block;
import io.stratadb.sstable.Footer;
import io.stratadb.sstable.TableReader;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * Reads one SSTable for {@code strata sst-dump} (RocksDB's {@code SstFileDumper}, {@code
 * tools/sst_dump_tool.cc}): its properties, computed by reading every data block, and its entries
 * in order. Every block's checksum is verified as it is read, and keys must be well-formed internal
 * keys in ascending order: the first damage stops the dump with {@link CorruptionException} naming
 * the file and the block's offset. Reads the local file system.
 *
 * <p>Not thread-safe; close it to close the file.
 */
public final class SstFileDumper implements AutoCloseable {

  /** Receives entries in table order. */
  @FunctionalInterface
  public interface EntryVisitor {
    /**
     * One entry.
     *
     * @param key the entry's user key, sequence number and type
     * @param value the value; empty for a tombstone
     */
    void entry(ParsedInternalKey key, byte[] value);
  }

  private final String name;
  private final TableReader reader;

  private SstFileDumper(String name, TableReader reader) {
    this.name = name;
    this.reader = reader;
  }

  /**
   * Opens the SSTable at {@code path}, checking its footer, index and filter.
   *
   * @param path the SSTable file
   * @return a dumper holding the file open; close it
   * @throws IllegalArgumentException if there is no such file
   * @throws CorruptionException if the file is not an SSTable, or its footer, index or filter is
   *     damaged (names the file and offset)
   * @throws StrataIOException if the file cannot be read
   */
  public static SstFileDumper open(Path path) {
    LocalFileSystem fs = LocalFileSystem.INSTANCE;
    if (!fs.exists(path)) {
      throw new IllegalArgumentException("no such file: " + path);
    }
    FileNames.Parsed parsed = FileNames.parse(path.getFileName().toString());
    long number = parsed != null && parsed.kind() == FileNames.Kind.TABLE ? parsed.number() : 0;
    return new SstFileDumper(path.toString(), TableReader.open(fs, path, number));
  }

  /**
   * Reads every data block and returns the table's properties.
   *
   * @return the properties
   * @throws CorruptionException at the first damaged block (names the file and its offset)
   * @throws StrataIOException if a read fails
   */
  public TableProperties properties() {
    Footer footer = reader.footer();
    Map<Compression, Integer> byCompression = new EnumMap<>(Compression.class);
    long[] stored = {0};
    long[] raw = {0};
    long[] counts = new long[5]; // entries, puts, deletes, key bytes, value bytes
    long[] userKeys = {0};
    long[] sequences = {Long.MAX_VALUE, -1};
    byte[][] range = new byte[2][];
    int blocks = scan(Long.MAX_VALUE, (entry, block) -> {
      if (block != null) {
        stored[0] += entry.handle().size();
        raw[0] += block.size();
        byCompression.merge(reader.blockCompression(entry.handle()), 1, Integer::sum);
      }
    }, (key, value) -> {
      counts[0]++;
      counts[InternalKey.type(key) == ValueType.PUT ? 1 : 2]++;
      counts[3] += key.length;
      counts[4] += value.length;
      if (range[1] == null || !InternalKey.sameUserKey(range[1], key)) {
        userKeys[0]++;
      }
      if (range[0] == null) {
        range[0] = key;
      }
      range[1] = key;
      long sequence = InternalKey.sequence(key);
      sequences[0] = Math.min(sequences[0], sequence);
      sequences[1] = Math.max(sequences[1], sequence);
    });
    return new TableProperties(name, footer.fileSize(), footer.formatVersion(), blocks, stored[0], raw[0],
        byCompression, footer.index().offset(), footer.index().size(), footer.filter().offset(),
        footer.filter().size(), counts[0], counts[1], counts[2], userKeys[0], counts[3], counts[4],
        range[0] == null ? null : ParsedInternalKey.of(range[0]),
        range[1] == null ? null : ParsedInternalKey.of(range[1]), counts[0] == 0 ? -1 : sequences[0], sequences[1],
        reader.filterBits(), reader.filterProbes());
  }

  /**
   * Passes the first {@code limit} entries, in order, to {@code visitor}, reading only the blocks
   * they are in.
   *
   * @param limit the most entries to visit; {@link Long#MAX_VALUE} for all
   * @param visitor receives the entries in order
   * @throws IllegalArgumentException if {@code limit} is negative
   * @throws CorruptionException at the first damaged block read (names the file and its offset)
   * @throws StrataIOException if a read fails
   */
  public void entries(long limit, EntryVisitor visitor) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0, got " + limit);
    }
    scan(limit, (entry, block) -> { }, (key, value) -> visitor.entry(ParsedInternalKey.of(key), value));
  }

  /** Told about each data block before its entries; {@code block} is null if it is not read. */
  private interface BlockVisitor {
    void block(TableReader.IndexEntry entry, Block block);
  }

  /** Told about each entry, with its encoded internal key. */
  private interface RawEntryVisitor {
    void entry(byte[] internalKey, byte[] value);
  }

  /** Walks blocks and entries until {@code limit} entries were visited; returns the block count. */
  private int scan(long limit, BlockVisitor blocks, RawEntryVisitor entries) {
    java.util.List<TableReader.IndexEntry> index = reader.indexEntries();
    long visited = 0;
    byte[] previous = null;
    for (TableReader.IndexEntry entry : index) {
      if (visited >= limit) {
        blocks.block(entry, null);
        continue;
      }
      long offset = entry.handle().offset();
      Block block = reader.readDataBlock(entry.handle());
      blocks.block(entry, block);
      try (InternalIterator it = block.iterator(InternalKey.COMPARATOR)) {
        for (it.seekToFirst(); it.isValid() && visited < limit; it.next()) {
          byte[] key = it.key();
          if (!InternalKey.isWellFormed(key)) {
            throw new CorruptionException(name, offset, "malformed internal key in data block");
          }
          if (previous != null && InternalKey.compare(previous, key) >= 0) {
            throw new CorruptionException(name, offset, "keys out of order: " + InternalKey.toString(previous)
                + " then " + InternalKey.toString(key));
          }
          previous = key;
          entries.entry(key, it.value());
          visited++;
        }
      }
    }
    return index.size();
  }

  /** Closes the file. */
  @Override
  public void close() {
    reader.release();
  }
}
