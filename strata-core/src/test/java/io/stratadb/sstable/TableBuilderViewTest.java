package io.stratadb.sstable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.Compression;
import io.stratadb.env.FileSystem;
import io.stratadb.env.MemoryFileSystem;
import io.stratadb.iterator.InternalIterator;
import io.stratadb.key.InternalKey;
import io.stratadb.key.LookupResult;
import io.stratadb.key.ValueType;
import io.stratadb.sstable.TableTestSupport.Entry;
import io.stratadb.util.Slice;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/**
 * Tables built from views ({@link TableBuilder#add(Slice, Slice)}) whose bytes the caller
 * overwrites after every add, as a memtable or merging iterator does: they must be byte-identical
 * to the tables the byte[] path built before views existed (digests in {@code
 * table-digests.txt}), read back exactly the entries added, and keep nothing of the caller's
 * buffer.
 */
class TableBuilderViewTest {
  private static final Path FILE = Path.of("/t/000001.sst");

  /**
   * Hands entries to a builder the way an iterator does: both views are the same two slice objects
   * every time, pointing into one shared buffer, and the whole buffer is scribbled over as soon as
   * the add returns. With {@code shifting}, each entry lands at another offset; without, every key
   * lands where the previous one was, as in a block iterator's key buffer, so a kept view of the
   * last key would show the new one.
   */
  private static final class ScribblingSource {
    private final byte[] buffer = new byte[1 << 16];
    private final Slice key = new Slice();
    private final Slice value = new Slice();
    private final boolean shifting;
    private int shift;

    ScribblingSource(boolean shifting) {
      this.shifting = shifting;
    }

    void add(TableBuilder builder, Entry e) throws IOException {
      point(e);
      builder.add(key, value);
      scribble();
    }

    void point(Entry e) {
      shift = shifting ? (shift + 7) % 64 : 0;
      int keyOff = shift;
      int valueOff = keyOff + e.key().length + shift % 5;
      System.arraycopy(e.key(), 0, buffer, keyOff, e.key().length);
      System.arraycopy(e.value(), 0, buffer, valueOff, e.value().length);
      key.set(buffer, keyOff, e.key().length);
      value.set(buffer, valueOff, e.value().length);
    }

    void scribble() {
      Arrays.fill(buffer, (byte) (0xA5 ^ shift));
    }
  }

  private static TableBuilder.TableInfo buildFromViews(FileSystem fs, List<Entry> entries, int blockSize,
      int restartInterval, int bloomBitsPerKey, Compression compression) throws IOException {
    return buildFromViews(fs, entries, blockSize, restartInterval, bloomBitsPerKey, compression, true);
  }

  private static TableBuilder.TableInfo buildFromViews(FileSystem fs, List<Entry> entries, int blockSize,
      int restartInterval, int bloomBitsPerKey, Compression compression, boolean shifting) throws IOException {
    TableBuilder builder = new TableBuilder(fs.newWritableFile(FILE), blockSize, restartInterval,
        bloomBitsPerKey, compression);
    ScribblingSource source = new ScribblingSource(shifting);
    for (Entry e : entries) {
      source.add(builder, e);
    }
    return builder.finish();
  }

  private static TableBuilder.TableInfo buildFromArrays(FileSystem fs, List<Entry> entries, int blockSize,
      int restartInterval, int bloomBitsPerKey, Compression compression) throws IOException {
    TableBuilder builder = new TableBuilder(fs.newWritableFile(FILE), blockSize, restartInterval,
        bloomBitsPerKey, compression);
    for (Entry e : entries) {
      builder.add(e.key(), e.value());
    }
    return builder.finish();
  }

  private static MemoryFileSystem newFileSystem() throws IOException {
    MemoryFileSystem fs = new MemoryFileSystem();
    fs.createDirectories(FILE.getParent());
    return fs;
  }

  private static byte[] fileBytes(MemoryFileSystem fs) throws IOException {
    return fs.snapshot(FILE.getParent()).get(FILE.getFileName().toString());
  }

  private static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void viewsBuildTheTablesTheArrayPathBuiltAtMain() throws IOException {
    String digests;
    try (InputStream in = TableBuilderViewTest.class.getResourceAsStream("table-digests.txt")) {
      digests = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Map<Long, List<Entry>> corpora = new TreeMap<>();
    int checked = 0;
    for (String line : digests.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.trim().split(" +");
      long seed = Long.parseLong(f[0]);
      int userKeys = Integer.parseInt(f[1]);
      List<Entry> entries = corpora.computeIfAbsent(seed, s -> TableCorpus.entries(s, userKeys));
      MemoryFileSystem fs = newFileSystem();
      TableBuilder.TableInfo info = buildFromViews(fs, entries, Integer.parseInt(f[2]), Integer.parseInt(f[3]),
          Integer.parseInt(f[4]), Compression.valueOf(f[5]));
      byte[] file = fileBytes(fs);
      assertEquals(Long.parseLong(f[6]), file.length, line);
      assertEquals(Long.parseLong(f[6]), info.fileSize(), line);
      assertEquals(f[7], sha256(file), line);
      assertArrayEquals(entries.get(0).key(), info.smallest(), line);
      assertArrayEquals(entries.get(entries.size() - 1).key(), info.largest(), line);
      checked++;
    }
    assertEquals(2 * 4 * Compression.values().length + 4, checked, "digest lines");
  }

  /** Random entries: user keys sharing prefixes or not, 1-3 versions each, tombstones, empty values. */
  private static List<Entry> randomEntries(long seed, int userKeys, int maxKeyLength, int maxValueLength) {
    Random r = new Random(seed);
    TreeMap<byte[], Integer> users = new TreeMap<>(Arrays::compareUnsigned);
    byte[] prefix = new byte[r.nextInt(maxKeyLength + 1)];
    r.nextBytes(prefix);
    for (int attempt = 0; attempt < 4 * userKeys && users.size() < userKeys; attempt++) {
      byte[] key = new byte[r.nextInt(maxKeyLength + 1)];
      r.nextBytes(key);
      if (r.nextBoolean()) {
        System.arraycopy(prefix, 0, key, 0, Math.min(prefix.length, key.length));
      }
      users.put(key, 1 + (r.nextInt(3) == 0 ? r.nextInt(3) : 0));
    }
    List<Entry> entries = new ArrayList<>();
    long sequence = 1_000_000;
    for (Map.Entry<byte[], Integer> u : users.entrySet()) {
      for (int v = 0; v < u.getValue(); v++) {
        sequence -= 1 + r.nextInt(5);
        if (r.nextInt(5) == 0) {
          entries.add(TableTestSupport.delete(u.getKey(), sequence));
        } else {
          byte[] value = new byte[r.nextInt(4) == 0 ? 0 : r.nextInt(maxValueLength + 1)];
          for (int i = 0; i < value.length; i++) {
            value[i] = (byte) (i % 3 == 0 ? r.nextInt(256) : 'x');
          }
          entries.add(TableTestSupport.put(u.getKey(), sequence, value));
        }
      }
    }
    return entries;
  }

  @Property(tries = 60)
  void viewsAndArraysBuildIdenticalTablesThatReadBackExactly(@ForAll @LongRange(min = 0, max = 1L << 40) long seed,
      @ForAll @IntRange(min = 1, max = 400) int userKeys, @ForAll @IntRange(min = 0, max = 600) int maxKeyLength,
      @ForAll @IntRange(min = 0, max = 3000) int maxValueLength,
      @ForAll @IntRange(min = 1, max = 17) int restartInterval,
      @ForAll @IntRange(min = 32, max = 4096) int blockSize, @ForAll boolean bloom, @ForAll Compression compression)
      throws IOException {
    List<Entry> entries = randomEntries(seed, userKeys, maxKeyLength, maxValueLength);
    int bits = bloom ? 10 : 0;
    MemoryFileSystem viewFs = newFileSystem();
    TableBuilder.TableInfo info = buildFromViews(viewFs, entries, blockSize, restartInterval, bits, compression);
    MemoryFileSystem arrayFs = newFileSystem();
    buildFromArrays(arrayFs, entries, blockSize, restartInterval, bits, compression);
    assertArrayEquals(fileBytes(arrayFs), fileBytes(viewFs), "views and arrays build the same bytes");
    assertEquals(entries.size(), info.entries());
    assertArrayEquals(entries.get(0).key(), info.smallest());
    assertArrayEquals(entries.get(entries.size() - 1).key(), info.largest());
    assertReadsBack(viewFs, entries);
  }

  /** Iterates, seeks and gets every entry of the table at {@link #FILE}. */
  private static void assertReadsBack(FileSystem fs, List<Entry> entries) {
    TableReader reader = TableReader.open(fs, FILE, 1);
    try (InternalIterator it = reader.iterator()) {
      int i = 0;
      for (it.seekToFirst(); it.isValid(); it.next()) {
        assertArrayEquals(entries.get(i).key(), it.key(), "key " + i);
        assertArrayEquals(entries.get(i).value(), it.value(), "value " + i);
        i++;
      }
      assertEquals(entries.size(), i, "entries read");
      for (int j = 0; j < entries.size(); j++) {
        // seeking goes through the index, whose separators are the blocks' last keys
        it.seek(entries.get(j).key());
        assertTrue(it.isValid());
        assertArrayEquals(entries.get(j).key(), it.key(), "seek " + j);
      }
      for (int j = 0; j < entries.size(); j++) {
        byte[] ikey = entries.get(j).key();
        if (j > 0 && InternalKey.sameUserKey(entries.get(j - 1).key(), ikey)) {
          continue;
        }
        // the newest version, through the bloom filter when there is one
        LookupResult found = reader.get(InternalKey.userKey(ikey), InternalKey.MAX_SEQUENCE);
        assertTrue(found.isDecided(), "get " + j);
        if (InternalKey.type(ikey) == ValueType.DELETE) {
          assertTrue(found.isDeleted(), "tombstone " + j);
        } else {
          assertArrayEquals(entries.get(j).value(), found.value(), "get " + j);
        }
      }
    } finally {
      reader.release();
    }
  }

  @Test
  void builderKeepsNoReferenceToTheCallersBytes() throws IOException {
    // Keys share a long prefix, so each block stores deltas against the key before: a builder that
    // kept the caller's view as its last key would compute them against scribbled bytes.
    List<Entry> entries = new ArrayList<>();
    byte[] prefix = new byte[300];
    Arrays.fill(prefix, (byte) 'p');
    for (int i = 0; i < 2_000; i++) {
      byte[] user = Arrays.copyOf(prefix, prefix.length + 6);
      System.arraycopy(String.format("%06d", i).getBytes(StandardCharsets.US_ASCII), 0, user, prefix.length, 6);
      byte[] value = i % 5 == 0 ? new byte[0] : ("value" + i).getBytes(StandardCharsets.US_ASCII);
      entries.add(i % 7 == 0 ? TableTestSupport.delete(user, 5_000 - i) : TableTestSupport.put(user, 5_000 - i, value));
    }
    MemoryFileSystem fs = newFileSystem();
    TableBuilder.TableInfo info = buildFromViews(fs, entries, 512, 16, 10, Compression.NONE, false);
    MemoryFileSystem arrayFs = newFileSystem();
    buildFromArrays(arrayFs, entries, 512, 16, 10, Compression.NONE);
    assertArrayEquals(fileBytes(arrayFs), fileBytes(fs), "views and arrays build the same bytes");
    assertArrayEquals(entries.get(0).key(), info.smallest(), "smallest key survives the scribbling");
    assertArrayEquals(entries.get(entries.size() - 1).key(), info.largest(), "largest key survives the scribbling");
    assertTrue(TableTestSupport.layoutOf(fileBytes(fs)).dataBlocks().size() > 50, "many blocks");
    assertReadsBack(fs, entries);
  }

  @Test
  void viewsOutOfOrderOrTooShortAreRejectedAndAddNothing() throws IOException {
    MemoryFileSystem fs = newFileSystem();
    TableBuilder builder = new TableBuilder(fs.newWritableFile(FILE), 4096, 16, 10);
    byte[] buffer = new byte[64];
    Slice key = new Slice();
    byte[] b = InternalKey.encode(TableTestSupport.b("b"), 9, ValueType.PUT);
    System.arraycopy(b, 0, buffer, 5, b.length);
    key.set(buffer, 5, b.length);
    builder.add(key, new Slice());
    byte[] a = InternalKey.encode(TableTestSupport.b("a"), 9, ValueType.PUT);
    System.arraycopy(a, 0, buffer, 20, a.length);
    key.set(buffer, 20, a.length);
    assertThrows(IllegalArgumentException.class, () -> builder.add(key, new Slice()));
    key.set(buffer, 5, 7);
    assertThrows(IllegalArgumentException.class, () -> builder.add(key, new Slice()));
    TableBuilder.TableInfo info = builder.finish();
    assertEquals(1, info.entries());
    assertArrayEquals(b, info.smallest());
    assertArrayEquals(b, info.largest());
    assertFalse(TableTestSupport.layoutOf(fileBytes(fs)).dataBlocks().isEmpty());
  }
}
