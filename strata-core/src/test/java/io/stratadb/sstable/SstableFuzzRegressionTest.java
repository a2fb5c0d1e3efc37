package io.stratadb.sstable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.stratadb.CorruptionException;
import io.stratadb.env.MemoryFileSystem;
import io.stratadb.iterator.InternalIterator;
import io.stratadb.key.InternalKey;
import io.stratadb.key.ValueType;
import io.stratadb.util.ByteSink;
import io.stratadb.util.Coding;
import io.stratadb.util.Crc32c;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Inputs that broke the block and table readers in {@link BlockFuzzTest} and {@link
 * TableReaderFuzzTest}, kept as explicit bytes. Their checksums are right: the damage was written
 * that way, or a block was damaged before its checksum was computed.
 */
class SstableFuzzRegressionTest {
  private static final Path DIR = Path.of("/mem/regression");
  private static final Path FILE = DIR.resolve("000005.sst");

  /**
   * Two restart points at one entry claiming a 127-byte key in an 11-byte block: seek read the
   * key at the second restart point without a bounds check (ArrayIndexOutOfBoundsException; a
   * larger length allocated up to 256 MiB first).
   */
  @Test
  void restartEntryKeyPastTheEntriesIsCorruption() {
    byte[] block = {0, 127, 0, /* restarts */ 0, 0, 0, 0, 0, 0, 0, 0, /* count */ 2, 0, 0, 0};
    Block b = new Block(block, "000005.sst", 4096);
    try (InternalIterator it = b.iterator(Arrays::compareUnsigned)) {
      CorruptionException e = assertThrows(CorruptionException.class, () -> it.seek(new byte[] {1}));
      assertEquals(4096, e.offset());
    }
  }

  /**
   * A one-byte key "x" seen through the internal-key comparator: comparing it threw
   * IllegalArgumentException ("fromIndex(0) > toIndex(-7)") out of seek.
   */
  @Test
  void keyTooShortForTheInternalKeyComparatorIsCorruption() {
    byte[] block = {0, 1, 0, 'x', /* restarts */ 0, 0, 0, 0, /* count */ 1, 0, 0, 0};
    Block b = new Block(block, "000005.sst", 0);
    try (InternalIterator it = b.iterator(InternalKey::compare)) {
      byte[] target = InternalKey.forSeek(new byte[] {'y'}, 5);
      CorruptionException e = assertThrows(CorruptionException.class, () -> it.seek(target));
      assertEquals("000005.sst", e.file());
    }
  }

  private static byte[] footer(long indexOffset, long indexSize, long filterOffset, long filterSize) {
    byte[] footer = new byte[TableFormat.FOOTER_SIZE];
    Coding.putFixed64(footer, 0, indexOffset);
    Coding.putFixed64(footer, 8, indexSize);
    Coding.putFixed64(footer, 16, filterOffset);
    Coding.putFixed64(footer, 24, filterSize);
    Coding.putFixed32(footer, 32, TableFormat.FORMAT_VERSION);
    Coding.putFixed32(footer, 36, Crc32c.mask(Crc32c.value(footer, 0, 36)));
    Coding.putFixed64(footer, 40, TableFormat.MAGIC);
    return footer;
  }

  private static TableReader open(byte[] file) throws IOException {
    MemoryFileSystem fs = new MemoryFileSystem();
    fs.createDirectories(DIR);
    fs.write(FILE, file);
    return TableReader.open(fs, FILE, 5);
  }

  /**
   * Shrunk from arbitraryFilesOpenOrCorruption: a file that is only a footer whose index handle
   * points past the end. The error named offset 49 of a 48-byte file; it now names the footer.
   */
  @Test
  void handleOutOfRangeIsReportedWhereTheHandleIsStored() {
    CorruptionException e = assertThrows(CorruptionException.class, () -> open(footer(49, 0, 0, 0)));
    assertEquals(FILE.toString(), e.file());
    assertEquals(0, e.offset());
  }

  /**
   * Found by damagedTablesReadOrCorruption: a data block with a valid checksum holding the 3-byte
   * key "abc", too short for an internal key. The table iterator returned it, and decoding its
   * sequence or type (a lookup, the DB iterator) threw ArrayIndexOutOfBoundsException.
   */
  @Test
  void dataBlockKeyTooShortForAnInternalKeyIsCorruption() throws IOException {
    byte[] data = {0, 3, 1, 'a', 'b', 'c', 'v', /* restarts */ 0, 0, 0, 0, /* count */ 1, 0, 0, 0};
    ByteSink file = new ByteSink(256);
    file.put(data).put(TableFormat.NO_COMPRESSION)
        .putFixed32(Crc32c.mask(TableBuilder.blockChecksum(data, 0, data.length, TableFormat.NO_COMPRESSION)));
    BlockBuilder index = new BlockBuilder(1, 64);
    index.add(InternalKey.encode(new byte[] {'a', 'b', 'c'}, 1, ValueType.PUT),
        new BlockHandle(0, data.length).encode());
    byte[] indexBlock = index.finish();
    long indexOffset = file.size();
    file.put(indexBlock).put(TableFormat.NO_COMPRESSION)
        .putFixed32(Crc32c.mask(TableBuilder.blockChecksum(indexBlock, 0, indexBlock.length,
            TableFormat.NO_COMPRESSION)));
    file.put(footer(indexOffset, indexBlock.length, 0, 0));
    TableReader reader = open(file.toByteArray());
    try {
      try (InternalIterator it = reader.iterator()) {
        CorruptionException e = assertThrows(CorruptionException.class, it::seekToFirst);
        assertEquals(FILE.toString(), e.file());
        assertEquals(0, e.offset(), "the data block's offset");
        assertThrows(CorruptionException.class, it::seekToLast);
      }
      assertThrows(CorruptionException.class, () -> reader.get(new byte[] {'a', 'b', 'c'}, 10));
    } finally {
      reader.release();
    }
  }
}
