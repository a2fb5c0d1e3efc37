package io.stratadb.sstable;

import io.stratadb.Compression;
import io.stratadb.env.WritableFile;
import io.stratadb.key.InternalKey;
import io.stratadb.util.ByteSink;
import io.stratadb.util.Coding;
import io.stratadb.util.Crc32c;
import java.io.IOException;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one SSTable in the {@link TableFormat} from entries added in internal-key order (LevelDB's
 * {@code table/table_builder.cc}). Call {@link #finish()} to complete the file, or {@link
 * #abandon()} to close it unfinished. Not thread-safe. I/O errors surface as {@link IOException}.
 */
public final class TableBuilder {

  private static final Logger LOG = LoggerFactory.getLogger(TableBuilder.class);

  /** What a finished table holds, for the manifest. */
  public record TableInfo(long fileSize, byte[] smallest, byte[] largest, long entries) {}

  private final WritableFile file;
  private final int blockSize;
  private final int bloomBitsPerKey;
  private final Compression compression;
  private final BlockBuilder dataBlock;
  private final BlockBuilder indexBlock;
  private final byte[] trailer = new byte[TableFormat.BLOCK_TRAILER_SIZE];
  private long offset;
  private long entries;
  private byte[] smallest;
  private byte[] lastKey;
  private long[] keyHashes = new long[1024];
  private int keyHashCount;
  private boolean closed;

  /**
   * @param file a new, empty file; owned by the builder from now on
   * @param blockSize target data block size in bytes
   * @param restartInterval keys between restart points
   * @param bloomBitsPerKey bloom bits per key, 0 for no filter
   */
  public TableBuilder(WritableFile file, int blockSize, int restartInterval, int bloomBitsPerKey) {
    this(file, blockSize, restartInterval, bloomBitsPerKey, Compression.NONE);
  }

  /**
   * @param file a new, empty file; owned by the builder from now on
   * @param blockSize target data block size in bytes (before compression)
   * @param restartInterval keys between restart points
   * @param bloomBitsPerKey bloom bits per key, 0 for no filter
   * @param compression how data blocks are compressed (index and filter blocks are stored raw)
   */
  public TableBuilder(WritableFile file, int blockSize, int restartInterval, int bloomBitsPerKey,
      Compression compression) {
    this.compression = compression;
    this.file = file;
    this.blockSize = blockSize;
    this.bloomBitsPerKey = bloomBitsPerKey;
    this.dataBlock = new BlockBuilder(restartInterval, blockSize + blockSize / 4);
    this.indexBlock = new BlockBuilder(1, 4096);
  }

  /**
   * Appends an entry.
   *
   * @param ikey an internal key sorting after every key added before
   * @throws IllegalArgumentException if keys are out of order
   * @throws IOException if writing a full block fails
   */
  public void add(byte[] ikey, byte[] value) throws IOException {
    if (lastKey != null && InternalKey.compare(lastKey, ikey) >= 0) {
      throw new IllegalArgumentException(
          "keys out of order: " + InternalKey.toString(lastKey) + " then " + InternalKey.toString(ikey));
    }
    if (smallest == null) {
      smallest = ikey;
    }
    if (bloomBitsPerKey > 0 && (lastKey == null || !InternalKey.sameUserKey(lastKey, ikey))) {
      if (keyHashCount == keyHashes.length) {
        keyHashes = Arrays.copyOf(keyHashes, keyHashCount * 2);
      }
      keyHashes[keyHashCount++] = Hash64.hash(ikey, 0, InternalKey.userKeyLength(ikey));
    }
    lastKey = ikey;
    entries++;
    dataBlock.add(ikey, value);
    if (dataBlock.currentSizeEstimate() >= blockSize) {
      flushDataBlock();
    }
  }

  /** Entries added so far. */
  public long entries() {
    return entries;
  }

  /** Bytes the file would have if finished now (approximately). */
  public long estimatedFileSize() {
    return offset + dataBlock.currentSizeEstimate();
  }

  private void flushDataBlock() throws IOException {
    if (dataBlock.isEmpty()) {
      return;
    }
    byte[] last = dataBlock.lastKey();
    byte[] raw = dataBlock.finish();
    byte[] compressed = BlockCompressor.compress(compression, raw);
    BlockHandle handle = compressed == null ? writeBlock(raw) : writeBlock(compressed, (byte) compression.code());
    dataBlock.reset();
    indexBlock.add(last, handle.encode());
  }

  private BlockHandle writeBlock(byte[] contents) throws IOException {
    return writeBlock(contents, TableFormat.NO_COMPRESSION);
  }

  private BlockHandle writeBlock(byte[] contents, byte type) throws IOException {
    BlockHandle handle = new BlockHandle(offset, contents.length);
    trailer[0] = type;
    Coding.putFixed32(trailer, 1, Crc32c.mask(blockChecksum(contents, 0, contents.length, trailer[0])));
    file.append(contents, 0, contents.length);
    file.append(trailer, 0, trailer.length);
    offset += contents.length + trailer.length;
    return handle;
  }

  /** CRC32C over the block contents followed by the compression type byte (LevelDB order). */
  static int blockChecksum(byte[] contents, int off, int len, byte type) {
    CRC32C crc = new CRC32C();
    crc.update(contents, off, len);
    crc.update(type);
    return (int) crc.getValue();
  }

  /**
   * As {@link #blockChecksum(byte[], int, int, byte)} over the remaining bytes of {@code contents},
   * which it consumes (its position ends at its limit).
   */
  static int blockChecksum(java.nio.ByteBuffer contents, byte type) {
    CRC32C crc = new CRC32C();
    crc.update(contents);
    crc.update(type);
    return (int) crc.getValue();
  }

  /**
   * Writes the last data block, the filter, the index and the footer, fsyncs and closes the file.
   *
   * @return the table's size and key range
   * @throws IllegalStateException if no entry was added
   * @throws IOException if writing or syncing fails
   */
  public TableInfo finish() throws IOException {
    if (entries == 0) {
      throw new IllegalStateException("cannot finish an empty table");
    }
    flushDataBlock();
    BlockHandle filter = new BlockHandle(0, 0);
    if (bloomBitsPerKey > 0) {
      filter = writeBlock(BloomFilter.build(keyHashes, keyHashCount, bloomBitsPerKey));
    }
    BlockHandle index = writeBlock(indexBlock.finish());
    ByteSink footer = new ByteSink(TableFormat.FOOTER_SIZE);
    footer.putFixed64(index.offset()).putFixed64(index.size());
    footer.putFixed64(filter.offset()).putFixed64(filter.size());
    footer.putFixed32(TableFormat.FORMAT_VERSION);
    footer.putFixed32(Crc32c.mask(Crc32c.value(footer.array(), 0, footer.size())));
    footer.putFixed64(TableFormat.MAGIC);
    file.append(footer.array(), 0, footer.size());
    offset += footer.size();
    file.sync();
    closed = true;
    file.close();
    return new TableInfo(offset, smallest, lastKey, entries);
  }

  /** Closes the file without finishing it; the caller deletes it. Never throws. */
  public void abandon() {
    if (!closed) {
      closed = true;
      try {
        file.close();
      } catch (IOException e) {
        LOG.warn("closing abandoned table file failed; it is deleted as garbage", e);
      }
    }
  }
}
