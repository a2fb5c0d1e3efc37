package io.stratadb.sstable;

import io.stratadb.Compression;
import io.stratadb.TableLayout;
import io.stratadb.env.WritableFile;
import io.stratadb.key.InternalKey;
import io.stratadb.util.ByteSink;
import io.stratadb.util.Coding;
import io.stratadb.util.Crc32c;
import io.stratadb.util.Hash64;
import io.stratadb.util.Slice;
import java.io.IOException;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one SSTable in the {@link TableFormat} from entries added in internal-key order (LevelDB's
 * {@code table/table_builder.cc}). Call {@link #finish()} to complete the file, or {@link
 * #abandon()} to close it unfinished.
 *
 * <p>Entries may be handed in as views ({@link #add(Slice, Slice)}, as LevelDB's {@code
 * TableBuilder::Add(const Slice&, const Slice&)}): their bytes are copied into the data block being
 * built, and what the builder needs across calls (the last key, for order checks and index
 * separators; the smallest key; the bloom hashes) it keeps in its own buffers, never a reference to
 * the caller's array. Finished blocks are written from the block builder's buffer (or a reused
 * compression buffer) and the builder reset, so a flush allocates per block, not per entry.
 *
 * <p>Not thread-safe. I/O errors surface as {@link IOException}.
 */
public final class TableBuilder {

  private static final Logger LOG = LoggerFactory.getLogger(TableBuilder.class);
  private static final int HASH_CHUNK_BITS = 10;
  private static final int HASH_CHUNK = 1 << HASH_CHUNK_BITS;

  /** What a finished table holds, for the manifest. */
  public record TableInfo(long fileSize, byte[] smallest, byte[] largest, long entries) {}

  private final WritableFile file;
  private final int blockSize;
  private final int bloomBitsPerKey;
  private final Compression compression;
  private final BlockBuilder dataBlock;
  private final BlockBuilder indexBlock;
  private final byte[] trailer = new byte[TableFormat.BLOCK_TRAILER_SIZE];
  /** Compressed data blocks are built here, reused from block to block. */
  private final ByteSink compressed = new ByteSink(0);
  private final Slice lastKeyView = new Slice();
  /** The index entry being added: a block handle's encoding, and a view of it. */
  private final ByteSink handleBytes = new ByteSink(20);
  private final Slice handleView = new Slice();
  private long offset;
  private long entries;
  private byte[] smallest;
  /** A copy of the last key added; empty before the first add. */
  private final ByteSink lastKey = new ByteSink(64);
  /**
   * The bloom hashes of the user keys added, in chunks of {@link #HASH_CHUNK}: never copied to
   * grow (one doubling array allocates 16 MB of arrays to hold a million keys' 8 MB of hashes).
   */
  private long[][] keyHashes = new long[8][];
  private int keyHashCount;
  private boolean closed;
  /** The boundary uncompressed data blocks start on, in bytes; 0 when not aligned. */
  private final int alignment;
  /** Padding's source: {@link TableLayout#PAGE_BYTES} zeros, never written to. */
  private static final byte[] ZEROS = new byte[TableLayout.PAGE_BYTES];
  /** Bytes an entry may add beside its key and value: three varints and a restart point. */
  private static final int ENTRY_OVERHEAD_BYTES = 3 * 5 + 4;

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
    this(file, blockSize, restartInterval, bloomBitsPerKey, compression, false);
  }

  /**
   * @param file a new, empty file; owned by the builder from now on
   * @param blockSize target data block size in bytes (before compression)
   * @param restartInterval keys between restart points
   * @param bloomBitsPerKey bloom bits per key, 0 for no filter
   * @param compression how data blocks are compressed (index and filter blocks are stored raw)
   * @param alignDataBlocks whether a data block is closed before it and its trailer pass {@code
   *     blockSize} and an uncompressed one is padded so the next starts on {@link
   *     TableLayout#alignment} ({@link TableLayout#alignDataBlocks()})
   */
  public TableBuilder(WritableFile file, int blockSize, int restartInterval, int bloomBitsPerKey,
      Compression compression, boolean alignDataBlocks) {
    this.alignment = alignDataBlocks ? TableLayout.alignment(blockSize) : 0;
    this.compression = compression;
    this.file = file;
    this.blockSize = blockSize;
    this.bloomBitsPerKey = bloomBitsPerKey;
    this.dataBlock = new BlockBuilder(restartInterval, blockSize + blockSize / 4);
    this.indexBlock = new BlockBuilder(1, 4096);
  }

  /**
   * Appends an entry whose key and value are arrays; as {@link #add(Slice, Slice)}.
   *
   * @param ikey an encoded internal key sorting after every key added before
   * @param value the value (empty for a tombstone)
   * @throws IllegalArgumentException if {@code ikey} is shorter than its trailer or keys are out of
   *     order
   * @throws IOException if writing a full block fails
   */
  public void add(byte[] ikey, byte[] value) throws IOException {
    add(new Slice(ikey, 0, ikey.length), new Slice(value, 0, value.length));
  }

  /**
   * Appends an entry given as views, copying their bytes: the builder keeps no reference to either
   * slice or the arrays they view, so the caller (a memtable or merging iterator) may move them or
   * overwrite the bytes as soon as this returns.
   *
   * @param ikey an encoded internal key (user key and 8-byte trailer) sorting after every key
   *     added before
   * @param value the value (empty for a tombstone)
   * @throws IllegalArgumentException if {@code ikey} is shorter than its trailer or keys are out of
   *     order (nothing is added then)
   * @throws IOException if writing a full block fails
   */
  public void add(Slice ikey, Slice value) throws IOException {
    byte[] k = ikey.array();
    int kOff = ikey.offset();
    int kLen = ikey.length();
    int userLen = kLen - InternalKey.TRAILER_BYTES;
    if (userLen < 0) {
      throw new IllegalArgumentException("internal key of " + kLen + " bytes is shorter than its trailer");
    }
    boolean first = entries == 0;
    if (!first && InternalKey.compare(lastKey.array(), 0, lastKey.size(), k, kOff, kLen) >= 0) {
      throw new IllegalArgumentException("keys out of order: "
          + InternalKey.toString(lastKey.toByteArray()) + " then " + InternalKey.toString(ikey.toArray()));
    }
    if (first) {
      smallest = ikey.toArray();
    }
    if (bloomBitsPerKey > 0 && (first
        || !Arrays.equals(lastKey.array(), 0, lastKey.size() - InternalKey.TRAILER_BYTES, k, kOff, kOff + userLen))) {
      addKeyHash(Hash64.hash(k, kOff, userLen));
    }
    if (alignment > 0 && !dataBlock.isEmpty() && dataBlock.currentSizeEstimate() + kLen + value.length()
        + ENTRY_OVERHEAD_BYTES + TableFormat.BLOCK_TRAILER_SIZE > blockSize) {
      flushDataBlock(); // the block and its trailer stay within blockSize: one aligned page (block_align)
    }
    lastKey.reset();
    lastKey.put(k, kOff, kLen);
    entries++;
    dataBlock.add(ikey, value);
    if (dataBlock.currentSizeEstimate() >= blockSize) {
      flushDataBlock();
    }
  }

  private void addKeyHash(long hash) {
    int chunk = keyHashCount >>> HASH_CHUNK_BITS;
    if (chunk == keyHashes.length) {
      keyHashes = Arrays.copyOf(keyHashes, chunk * 2);
    }
    if (keyHashes[chunk] == null) {
      keyHashes[chunk] = new long[HASH_CHUNK];
    }
    keyHashes[chunk][keyHashCount++ & (HASH_CHUNK - 1)] = hash;
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
    Slice raw = dataBlock.finishInPlace();
    BlockHandle handle;
    if (BlockCompressor.compress(compression, raw.array(), raw.offset(), raw.length(), compressed)) {
      handle = writeBlock(compressed.array(), 0, compressed.size(), (byte) compression.code());
    } else {
      handle = writeBlock(raw.array(), raw.offset(), raw.length(), TableFormat.NO_COMPRESSION);
      padToAlignment();
    }
    dataBlock.reset();
    // The block's last key is the table's last key: its index separator.
    lastKeyView.set(lastKey.array(), 0, lastKey.size());
    handleBytes.reset();
    handle.encodeTo(handleBytes);
    handleView.set(handleBytes.array(), 0, handleBytes.size());
    indexBlock.add(lastKeyView, handleView);
  }

  private BlockHandle writeBlock(byte[] contents) throws IOException {
    return writeBlock(contents, 0, contents.length, TableFormat.NO_COMPRESSION);
  }

  /** Writes {@code contents[off, off + len)} and its trailer (type, masked CRC32C) at the end. */
  private BlockHandle writeBlock(byte[] contents, int off, int len, byte type) throws IOException {
    BlockHandle handle = new BlockHandle(offset, len);
    trailer[0] = type;
    Coding.putFixed32(trailer, 1, Crc32c.mask(blockChecksum(contents, off, len, trailer[0])));
    file.append(contents, off, len);
    file.append(trailer, 0, trailer.length);
    offset += len + trailer.length;
    return handle;
  }

  /** With alignment, writes zeros up to the next multiple of {@link #alignment}; the next block starts there. */
  private void padToAlignment() throws IOException {
    int pad = alignment == 0 ? 0 : (int) ((alignment - offset % alignment) % alignment);
    if (pad > 0) {
      file.append(ZEROS, 0, pad);
      offset += pad;
    }
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
    TableInfo info = finishUnsynced();
    syncAndClose();
    return info;
  }

  /**
   * Writes the last data block, the filter, the index and the footer, and leaves the file open
   * for {@link #syncAndClose}, which may then run on another thread (no other call follows).
   *
   * @return the table's size and key range
   * @throws IllegalStateException if no entry was added
   * @throws IOException if writing fails (the caller then abandons the builder)
   */
  public TableInfo finishUnsynced() throws IOException {
    if (entries == 0) {
      throw new IllegalStateException("cannot finish an empty table");
    }
    flushDataBlock();
    BlockHandle filter = new BlockHandle(0, 0);
    if (bloomBitsPerKey > 0) {
      long[][] hashes = keyHashes;
      filter = writeBlock(BloomFilter.build(
          i -> hashes[i >>> HASH_CHUNK_BITS][i & (HASH_CHUNK - 1)], keyHashCount, bloomBitsPerKey));
    }
    Slice indexContents = indexBlock.finishInPlace();
    BlockHandle index = writeBlock(indexContents.array(), indexContents.offset(), indexContents.length(),
        TableFormat.NO_COMPRESSION);
    byte[] footer = Footer.encode(index, filter);
    file.append(footer, 0, footer.length);
    offset += footer.length;
    return new TableInfo(offset, smallest, lastKey.toByteArray(), entries);
  }

  /**
   * Fsyncs and closes a table {@link #finishUnsynced finished}; the file is closed even if the
   * sync fails.
   *
   * @throws IOException if syncing or closing fails
   */
  public void syncAndClose() throws IOException {
    closed = true;
    try {
      file.sync();
    } catch (IOException e) {
      try {
        file.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    file.close();
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
