package io.stratadb.sstable;

import static io.stratadb.sstable.TableTestSupport.b;
import static io.stratadb.sstable.TableTestSupport.put;
import static io.stratadb.sstable.TableTestSupport.userKey;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.CorruptionException;
import io.stratadb.StrataIOException;
import io.stratadb.env.LocalFileSystem;
import io.stratadb.iterator.InternalIterator;
import io.stratadb.key.InternalKey;
import io.stratadb.sstable.TableTestSupport.Entry;
import io.stratadb.sstable.TableTestSupport.Layout;
import io.stratadb.util.Coding;
import io.stratadb.util.Crc32c;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A damaged table is reported as corruption naming the file and offset, and never returns data. */
@Timeout(300) // seconds; a hang prints every thread's stack (junit-platform.properties)
class TableCorruptionTest {
  @TempDir Path dir;
  private Path path;
  private List<Entry> entries;

  @BeforeEach
  void writeTable() throws IOException {
    path = dir.resolve("000007.sst");
    entries = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      entries.add(put(userKey(i), i + 1, b("value" + i)));
    }
    TableTestSupport.write(path, entries, 1024, 16, 10);
  }

  private TableReader open() {
    return TableReader.open(LocalFileSystem.INSTANCE, path, 7);
  }

  /** Index of the first entry stored in each data block. */
  private List<Integer> firstEntryOfEachBlock(Layout layout) {
    List<Integer> first = new ArrayList<>();
    TableReader reader = open();
    try (InternalIterator it = reader.iterator()) {
      int i = 0;
      int block = 0;
      first.add(0);
      for (it.seekToFirst(); it.isValid(); it.next(), i++) {
        // a block ends with the key its index entry names
        if (block < layout.dataBlocks().size() - 1 && isLastOfBlock(it.key(), block)) {
          first.add(i + 1);
          block++;
        }
      }
    } finally {
      reader.release();
    }
    return first;
  }

  private boolean isLastOfBlock(byte[] key, int block) {
    return Arrays.equals(key, indexKeys.get(block));
  }

  private List<byte[]> indexKeys;

  private Layout layoutWithIndexKeys() throws IOException {
    Layout layout = TableTestSupport.layout(path);
    byte[] file = Files.readAllBytes(path);
    byte[] index = Arrays.copyOfRange(file, (int) layout.index().offset(),
        (int) (layout.index().offset() + layout.index().size()));
    indexKeys = new ArrayList<>();
    try (InternalIterator it = new Block(index, "i", 0).iterator(InternalKey::compare)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        indexKeys.add(it.key());
      }
    }
    return layout;
  }

  @Test
  void flippedByteInADataBlockIsCorruptionAtThatBlock() throws IOException {
    Layout layout = layoutWithIndexKeys();
    List<Integer> firstEntries = firstEntryOfEachBlock(layout);
    byte[] pristine = Files.readAllBytes(path);
    int blocks = layout.dataBlocks().size();
    assertTrue(blocks > 20);
    for (int block : new int[] {0, 1, blocks / 2, blocks - 1}) {
      BlockHandle h = layout.dataBlocks().get(block);
      long[] targets = {h.offset(), h.offset() + h.size() / 2, h.offset() + h.size() - 1,
          h.offset() + h.size(), h.offset() + h.size() + 4}; // contents, compression type, checksum
      for (long at : targets) {
        Files.write(path, pristine);
        TableTestSupport.flip(path, at);
        TableReader reader = open(); // footer, index and filter are intact
        try {
          // a scan returns exactly the entries of the blocks before, then fails at the damaged one
          int n = 0;
          CorruptionException scanError = null;
          try (InternalIterator it = reader.iterator()) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
              assertArrayEquals(entries.get(n).key(), it.key(), "intact entry " + n);
              assertArrayEquals(entries.get(n).value(), it.value());
              n++;
            }
          } catch (CorruptionException e) {
            scanError = e;
          }
          assertNotNull(scanError, "block " + block + " byte " + at + " damaged, scan ended cleanly");
          assertEquals(path.toString(), scanError.file());
          assertEquals(h.offset(), scanError.offset());
          assertEquals(firstEntries.get(block), n, "entries returned before the damaged block");
          // point lookups of a key in the damaged block fail too
          int entry = firstEntries.get(block);
          CorruptionException e = assertThrows(CorruptionException.class,
              () -> reader.get(userKey(entry), InternalKey.MAX_SEQUENCE));
          assertEquals(h.offset(), e.offset());
          // other blocks still read
          int other = firstEntries.get(block == 0 ? 1 : 0);
          assertArrayEquals(b("value" + other), reader.get(userKey(other), InternalKey.MAX_SEQUENCE).value());
        } finally {
          reader.release();
        }
      }
    }
  }

  @Test
  void flippedByteInTheIndexOrFilterFailsOpen() throws IOException {
    Layout layout = TableTestSupport.layout(path);
    byte[] pristine = Files.readAllBytes(path);
    for (BlockHandle h : List.of(layout.index(), layout.filter())) {
      for (long at : new long[] {h.offset(), h.offset() + h.size() / 2, h.offset() + h.size() + 2}) {
        Files.write(path, pristine);
        TableTestSupport.flip(path, at);
        CorruptionException e = assertThrows(CorruptionException.class, this::open);
        assertEquals(path.toString(), e.file());
        assertEquals(h.offset(), e.offset());
      }
    }
  }

  @Test
  void everyFlippedFooterByteFailsOpen() throws IOException {
    byte[] pristine = Files.readAllBytes(path);
    int footer = pristine.length - TableFormat.FOOTER_SIZE;
    for (int i = 0; i < TableFormat.FOOTER_SIZE; i++) {
      Files.write(path, pristine);
      TableTestSupport.flip(path, footer + i);
      CorruptionException e = assertThrows(CorruptionException.class, this::open, "footer byte " + i);
      assertEquals(path.toString(), e.file());
      assertTrue(e.offset() >= footer, "offset " + e.offset());
    }
  }

  @Test
  void badMagicIsCorruption() throws IOException {
    byte[] file = Files.readAllBytes(path);
    Coding.putFixed64(file, file.length - 8, 0x1234L);
    Files.write(path, file);
    CorruptionException e = assertThrows(CorruptionException.class, this::open);
    assertEquals(file.length - 8, e.offset());
    assertTrue(e.getMessage().contains("magic"));
  }

  @Test
  void unsupportedVersionWithAValidFooterChecksumIsCorruption() throws IOException {
    byte[] file = Files.readAllBytes(path);
    int footer = file.length - TableFormat.FOOTER_SIZE;
    Coding.putFixed32(file, footer + 32, 2);
    Coding.putFixed32(file, footer + 36, Crc32c.mask(Crc32c.value(file, footer, 36)));
    Files.write(path, file);
    CorruptionException e = assertThrows(CorruptionException.class, this::open);
    assertTrue(e.getMessage().contains("version"));
  }

  @Test
  void blockHandleOutsideTheFileIsCorruption() throws IOException {
    byte[] file = Files.readAllBytes(path);
    int footer = file.length - TableFormat.FOOTER_SIZE;
    Coding.putFixed64(file, footer, file.length); // index offset past the end
    Coding.putFixed32(file, footer + 36, Crc32c.mask(Crc32c.value(file, footer, 36)));
    Files.write(path, file);
    CorruptionException e = assertThrows(CorruptionException.class, this::open);
    assertEquals(footer, e.offset(), "reported where the bad handle is stored, not where it points");
    Coding.putFixed64(file, footer, 0);
    Coding.putFixed64(file, footer + 8, file.length); // size past the end
    Coding.putFixed32(file, footer + 36, Crc32c.mask(Crc32c.value(file, footer, 36)));
    Files.write(path, file);
    assertThrows(CorruptionException.class, this::open);
  }

  /** Regression: offset + size + trailer overflowed the range check (StrataIOException, AIOOBE). */
  @Test
  void overflowingBlockHandleIsCorruption() throws IOException {
    byte[] pristine = Files.readAllBytes(path);
    int footer = pristine.length - TableFormat.FOOTER_SIZE;
    byte[] file = pristine.clone();
    Coding.putFixed64(file, footer, Long.MAX_VALUE - 2); // index offset
    Coding.putFixed32(file, footer + 36, Crc32c.mask(Crc32c.value(file, footer, 36)));
    Files.write(path, file);
    assertThrows(CorruptionException.class, this::open, "huge offset");
    file = pristine.clone();
    Coding.putFixed64(file, footer + 8, Long.MAX_VALUE); // index size
    Coding.putFixed32(file, footer + 36, Crc32c.mask(Crc32c.value(file, footer, 36)));
    Files.write(path, file);
    assertThrows(CorruptionException.class, this::open, "huge size");
  }

  @Test
  void truncatedFileIsCorruption() throws IOException {
    byte[] pristine = Files.readAllBytes(path);
    for (int length : new int[] {0, 1, TableFormat.FOOTER_SIZE - 1, TableFormat.FOOTER_SIZE, 1000,
        pristine.length / 2, pristine.length - TableFormat.FOOTER_SIZE, pristine.length - 1}) {
      Files.write(path, Arrays.copyOf(pristine, length));
      CorruptionException e = assertThrows(CorruptionException.class, this::open, "length " + length);
      assertEquals(path.toString(), e.file());
    }
  }

  @Test
  void missingFileIsAnIoError() {
    assertThrows(StrataIOException.class,
        () -> TableReader.open(LocalFileSystem.INSTANCE, dir.resolve("000099.sst"), 99));
  }
}
