package io.stratadb.sstable;

import static io.stratadb.sstable.TableTestSupport.b;
import static io.stratadb.sstable.TableTestSupport.put;
import static io.stratadb.sstable.TableTestSupport.userKey;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.fail;

import io.stratadb.Compression;
import io.stratadb.CorruptionException;
import io.stratadb.env.LocalFileSystem;
import io.stratadb.iterator.InternalIterator;
import io.stratadb.key.InternalKey;
import io.stratadb.key.LookupResult;
import io.stratadb.sstable.TableTestSupport.Entry;
import io.stratadb.util.ByteSink;
import io.stratadb.util.Coding;
import io.stratadb.util.Crc32c;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Tables with compressed data blocks read back exactly, and damage is still corruption. */
class CompressedTableTest {
  @TempDir Path dir;

  /** Compressible values: repeated text. */
  private static List<Entry> entries() {
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      entries.add(put(userKey(2 * i), i + 1, b(("value " + (i % 97) + " ").repeat(1 + i % 7))));
    }
    return entries;
  }

  private TableReader open(Path path) {
    return TableReader.open(LocalFileSystem.INSTANCE, path, 1);
  }

  private static byte blockType(byte[] file, BlockHandle h) {
    return file[(int) (h.offset() + h.size())];
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void roundTripWithEveryCodec(Compression compression) throws IOException {
    Path path = dir.resolve("000001.sst");
    List<Entry> entries = entries();
    TableTestSupport.write(path, entries, 4096, 16, 10, compression);
    byte[] file = Files.readAllBytes(path);
    TableTestSupport.Layout layout = TableTestSupport.layout(path);
    int compressed = 0;
    for (BlockHandle h : layout.dataBlocks()) {
      if (blockType(file, h) == compression.code()) {
        compressed++;
      }
    }
    assertEquals(layout.dataBlocks().size(), compressed, "every data block stored with " + compression);
    assertEquals(0, blockType(file, layout.index()), "the index is stored raw");
    TableReader reader = open(path);
    try (InternalIterator it = reader.iterator()) {
      int i = 0;
      for (it.seekToFirst(); it.isValid(); it.next()) {
        assertArrayEquals(entries.get(i).key(), it.key());
        assertArrayEquals(entries.get(i).value(), it.value());
        i++;
      }
      assertEquals(entries.size(), i);
      for (int k = 0; k < entries.size(); k += 37) {
        it.seek(InternalKey.forSeek(userKey(2 * k + 1), InternalKey.MAX_SEQUENCE));
        if (k + 1 < entries.size()) {
          assertArrayEquals(entries.get(k + 1).key(), it.key(), "between " + k + " and the next key");
        } else {
          assertFalse(it.isValid());
        }
        assertArrayEquals(entries.get(k).value(), reader.get(userKey(2 * k), InternalKey.MAX_SEQUENCE).value());
        assertFalse(reader.get(userKey(2 * k + 1), InternalKey.MAX_SEQUENCE).isDecided());
      }
    } finally {
      reader.release();
    }
  }

  @ParameterizedTest
  @EnumSource(value = Compression.class, names = {"LZ4", "ZSTD", "SNAPPY"})
  void flippedByteInACompressedBlockIsCorruption(Compression compression) throws IOException {
    Path path = dir.resolve("000002.sst");
    TableTestSupport.write(path, entries(), 4096, 16, 10, compression);
    TableTestSupport.Layout layout = TableTestSupport.layout(path);
    byte[] pristine = Files.readAllBytes(path);
    BlockHandle h = layout.dataBlocks().get(1);
    for (long at : new long[] {h.offset(), h.offset() + h.size() / 2, h.offset() + h.size() - 1,
        h.offset() + h.size()}) {
      Files.write(path, pristine);
      TableTestSupport.flip(path, at);
      TableReader reader = open(path);
      try (InternalIterator it = reader.iterator()) {
        CorruptionException error = null;
        try {
          for (it.seekToFirst(); it.isValid(); it.next()) {
            // read through the first block
          }
        } catch (CorruptionException e) {
          error = e;
        }
        assertNotNull(error, compression + " byte " + at);
        assertEquals(path.toString(), error.file());
        assertEquals(h.offset(), error.offset());
      } finally {
        reader.release();
      }
    }
  }

  /**
   * A compressed block whose checksum is right but whose stated raw length is absurd (a writer bug,
   * not bit rot) must still be reported as corruption, not as an OutOfMemoryError. (Snappy's
   * header is the same varint of the raw length, so one forgery serves all three codecs.)
   */
  @ParameterizedTest
  @EnumSource(value = Compression.class, names = {"LZ4", "ZSTD", "SNAPPY"})
  void absurdRawLengthIsCorruptionNotOutOfMemory(Compression compression) throws IOException {
    Path path = dir.resolve("000003.sst");
    TableTestSupport.write(path, entries(), 4096, 16, 10, compression);
    TableTestSupport.Layout layout = TableTestSupport.layout(path);
    byte[] file = Files.readAllBytes(path);
    BlockHandle h = layout.dataBlocks().get(0);
    int start = (int) h.offset();
    int size = (int) h.size();
    // same size, a raw-length prefix of Integer.MAX_VALUE, then what is left of the old payload
    byte[] prefix = new ByteSink(5).putVarint64(Integer.MAX_VALUE).toByteArray();
    byte[] contents = new byte[size];
    System.arraycopy(prefix, 0, contents, 0, prefix.length);
    System.arraycopy(file, start + prefix.length, contents, prefix.length, size - prefix.length);
    System.arraycopy(contents, 0, file, start, size);
    Coding.putFixed32(file, start + size + 1, Crc32c.mask(TableBuilder.blockChecksum(contents, 0, size,
        (byte) compression.code())));
    Files.write(path, file);
    TableReader reader = open(path);
    try (InternalIterator it = reader.iterator()) {
      it.seekToFirst();
      fail("read a block claiming " + Integer.MAX_VALUE + " raw bytes: valid=" + it.isValid());
    } catch (CorruptionException e) {
      assertEquals(h.offset(), e.offset());
    } catch (OutOfMemoryError e) {
      fail(compression + ": OutOfMemoryError instead of CorruptionException: " + e);
    } finally {
      reader.release();
    }
  }
}
