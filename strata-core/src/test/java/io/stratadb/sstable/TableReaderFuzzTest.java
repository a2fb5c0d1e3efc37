package io.stratadb.sstable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.stratadb.Compression;
import io.stratadb.CorruptionException;
import io.stratadb.FuzzBounds;
import io.stratadb.env.MemoryFileSystem;
import io.stratadb.iterator.InternalIterator;
import io.stratadb.key.InternalKey;
import io.stratadb.key.LookupResult;
import io.stratadb.key.ValueType;
import io.stratadb.util.Coding;
import io.stratadb.util.Crc32c;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.statistics.Statistics;

/**
 * Fuzzes {@link TableReader} (footer, index and filter decoding, data block reads and the table
 * iterator) with arbitrary files, arbitrary files ending in a footer with a valid checksum, and
 * valid tables that were then damaged, often <em>with the checksums recomputed</em> so that the
 * damage reaches the decoders behind them. Opening, iterating both ways, seeking and point lookups
 * must return well-formed internal keys or throw {@link CorruptionException} naming the file and
 * an offset inside it; never another exception, never an endless loop.
 */
class TableReaderFuzzTest {
  private static final Path DIR = Path.of("/mem/fuzz");
  private static final Path FILE = DIR.resolve("000042.sst");

  /** One entry of a generated table. */
  record Entry(byte[] key, byte[] value) {}

  /** Entries read by a forward scan, or null after a well-formed corruption report. */
  static List<Entry> exercise(byte[] file, long seed) {
    List<Entry> out = FuzzBounds.withinLimit(() -> run(file, seed));
    Statistics.label("outcome").collect(out == null ? "corruption reported" : "entries read");
    return out;
  }

  private static List<Entry> run(byte[] file, long seed) throws IOException {
    MemoryFileSystem fs = new MemoryFileSystem();
    fs.createDirectories(DIR);
    fs.write(FILE, file);
    TableReader reader;
    try {
      reader = TableReader.open(fs, FILE, 42);
    } catch (CorruptionException e) {
      assertReport(e, file);
      return null;
    }
    try {
      List<Entry> forward = new ArrayList<>();
      int limit = file.length / 3 + 2;
      try (InternalIterator it = reader.iterator()) {
        try {
          for (it.seekToFirst(); it.isValid(); it.next()) {
            assertTrue(InternalKey.isWellFormed(it.key()), "malformed internal key returned");
            forward.add(new Entry(it.key(), it.value()));
            if (forward.size() > limit) {
              fail("more entries than the file can hold: an endless loop");
            }
          }
        } catch (CorruptionException e) {
          assertReport(e, file);
          forward = null;
        }
        int steps = 0;
        try {
          for (it.seekToLast(); it.isValid(); it.prev()) {
            assertTrue(InternalKey.isWellFormed(it.key()), "malformed internal key returned");
            if (++steps > limit) {
              fail("more entries backward than the file can hold: an endless loop");
            }
          }
        } catch (CorruptionException e) {
          assertReport(e, file);
        }
        Random random = new Random(seed);
        for (int i = 0; i < 8; i++) {
          byte[] user = forward != null && !forward.isEmpty() && random.nextBoolean()
              ? InternalKey.userKey(forward.get(random.nextInt(forward.size())).key())
              : randomUserKey(random);
          long sequence = random.nextBoolean() ? InternalKey.MAX_SEQUENCE : random.nextInt(100);
          try {
            LookupResult r = reader.get(user, sequence);
            assertNotNull(r);
          } catch (CorruptionException e) {
            assertReport(e, file);
          }
          try {
            it.seekForPrev(InternalKey.forSeek(user, sequence));
            if (it.isValid()) {
              assertTrue(InternalKey.isWellFormed(it.key()));
              it.next();
            }
          } catch (CorruptionException e) {
            assertReport(e, file);
          }
        }
      }
      return forward;
    } finally {
      reader.release();
    }
  }

  private static byte[] randomUserKey(Random random) {
    byte[] k = new byte[random.nextInt(6)];
    for (int i = 0; i < k.length; i++) {
      k[i] = (byte) ('a' + random.nextInt(4));
    }
    return k;
  }

  private static void assertReport(CorruptionException e, byte[] file) {
    assertEquals(FILE.toString(), e.file());
    assertTrue(e.offset() >= 0 && e.offset() <= file.length, "offset " + e.offset() + " of " + file.length
        + ": " + e.getMessage());
  }

  /** Random sorted internal keys with values; user keys repeat with several sequences. */
  static List<Entry> randomEntries(Random random, int count) {
    TreeMap<byte[], byte[]> sorted = new TreeMap<>(InternalKey::compare);
    while (sorted.size() < count) {
      byte[] value = new byte[random.nextInt(30)];
      if (random.nextBoolean()) {
        Arrays.fill(value, (byte) 'v'); // compressible
      } else {
        random.nextBytes(value);
      }
      sorted.put(InternalKey.encode(randomUserKey(random), random.nextInt(100),
          random.nextInt(4) == 0 ? ValueType.DELETE : ValueType.PUT), value);
    }
    List<Entry> out = new ArrayList<>();
    sorted.forEach((k, v) -> out.add(new Entry(k, v)));
    return out;
  }

  /** A valid table of {@code entries} with random block size, restart interval, filter and compression. */
  static byte[] validTable(Random random, List<Entry> entries) throws IOException {
    MemoryFileSystem fs = new MemoryFileSystem();
    fs.createDirectories(DIR);
    Compression[] codecs = Compression.values();
    TableBuilder builder = new TableBuilder(fs.newWritableFile(FILE), 64 + random.nextInt(300),
        1 + random.nextInt(8), random.nextInt(3) == 0 ? 0 : 10, codecs[random.nextInt(codecs.length)]);
    for (Entry e : entries) {
      builder.add(e.key(), e.value());
    }
    builder.finish();
    return fs.read(FILE);
  }

  /**
   * {offset, size} of each block (data blocks, then filter, then index) whose handle lies inside
   * the file; throws IllegalStateException when an earlier damage left no layout to aim at.
   */
  static List<long[]> blocks(byte[] table) {
    List<long[]> out = new ArrayList<>();
    int footer = table.length - TableFormat.FOOTER_SIZE;
    long indexOffset = Coding.getFixed64(table, footer);
    long indexSize = Coding.getFixed64(table, footer + 8);
    if (!fits(indexOffset, indexSize, footer)) {
      throw new IllegalStateException("index handle out of the file");
    }
    out.add(new long[] {indexOffset, indexSize});
    long filterOffset = Coding.getFixed64(table, footer + 16);
    long filterSize = Coding.getFixed64(table, footer + 24);
    if (filterSize > 0 && fits(filterOffset, filterSize, footer)) {
      out.add(new long[] {filterOffset, filterSize});
    }
    byte[] index = Arrays.copyOfRange(table, (int) indexOffset, (int) (indexOffset + indexSize));
    try (InternalIterator it = new Block(index, "layout", indexOffset).iterator(InternalKey::compare)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        BlockHandle h = BlockHandle.decode(it.value());
        if (fits(h.offset(), h.size(), footer)) {
          out.add(new long[] {h.offset(), h.size()});
        }
      }
    } catch (CorruptionException | IndexOutOfBoundsException e) {
      // keep the blocks found so far
    }
    return out;
  }

  private static boolean fits(long offset, long size, long limit) {
    return offset >= 0 && size >= 0 && size <= limit && offset <= limit - size - TableFormat.BLOCK_TRAILER_SIZE;
  }

  /** Rewrites the trailer checksum of the block at {@code offset} of {@code size} bytes. */
  static void rechecksum(byte[] table, long offset, long size) {
    int o = (int) offset;
    int s = (int) size;
    Coding.putFixed32(table, o + s + 1, Crc32c.mask(TableBuilder.blockChecksum(table, o, s, table[o + s])));
  }

  /** Rewrites the footer checksum. */
  static void rechecksumFooter(byte[] table) {
    int footer = table.length - TableFormat.FOOTER_SIZE;
    Coding.putFixed32(table, footer + 36, Crc32c.mask(Crc32c.value(table, footer, 36)));
  }

  /**
   * Damages a valid table: a flipped byte or a cut (checksums left alone), a block's contents, its
   * compression type or its restart array changed with the block checksum recomputed, or a footer
   * handle changed with the footer checksum recomputed.
   */
  static byte[] damage(byte[] table, Random random) {
    byte[] t = table.clone();
    List<long[]> blocks = blocks(t);
    long[] block = blocks.get(random.nextInt(blocks.size()));
    int o = (int) block[0];
    int s = (int) block[1];
    int footer = t.length - TableFormat.FOOTER_SIZE;
    switch (random.nextInt(7)) {
      case 0:
        t[random.nextInt(t.length)] ^= (byte) (1 + random.nextInt(255));
        return t;
      case 1:
        return Arrays.copyOf(t, random.nextInt(t.length));
      case 2:
        if (s > 0) {
          for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
            int at = o + random.nextInt(s);
            t[at] = random.nextBoolean() ? (byte) random.nextInt(20) : (byte) (t[at] ^ (1 + random.nextInt(255)));
          }
        }
        rechecksum(t, o, s);
        return t;
      case 3:
        t[o + s] = (byte) new int[] {0, 1, 4, 7, 2, 9}[random.nextInt(6)]; // compression type
        rechecksum(t, o, s);
        return t;
      case 4:
        if (s >= 4) {
          Coding.putFixed32(t, o + s - 4, random.nextBoolean() ? random.nextInt() : random.nextInt(10));
        }
        rechecksum(t, o, s);
        return t;
      case 5:
        if (s >= 8) {
          int restarts = Math.max(1, Coding.getFixed32(t, o + s - 4));
          int slot = o + s - 8 - 4 * Math.floorMod(random.nextInt(), Math.min(restarts, s / 4 - 1));
          if (slot >= o) {
            Coding.putFixed32(t, slot, random.nextBoolean() ? random.nextInt() : random.nextInt(s + 4));
          }
        }
        rechecksum(t, o, s);
        return t;
      default:
        int field = random.nextInt(5);
        long value = switch (random.nextInt(4)) {
          case 0 -> random.nextLong();
          case 1 -> random.nextInt(t.length + 10);
          case 2 -> Coding.getFixed64(t, footer + 8 * Math.min(field, 3)) + random.nextInt(11) - 5;
          default -> 0;
        };
        if (field == 4) {
          Coding.putFixed32(t, footer + 32, (int) value); // format version
        } else {
          Coding.putFixed64(t, footer + 8 * field, value);
        }
        rechecksumFooter(t);
        return t;
    }
  }

  @Provide
  Arbitrary<byte[]> arbitraryFiles() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(600).flatMap(body ->
        Arbitraries.longs().array(long[].class).ofSize(4).map(fields -> {
          // half the time, end in a footer that passes its checksum and magic checks
          if ((fields[0] & 1) == 0) {
            return body;
          }
          byte[] file = Arrays.copyOf(body, body.length + TableFormat.FOOTER_SIZE);
          int footer = body.length;
          for (int i = 0; i < 4; i++) {
            long f = fields[i];
            Coding.putFixed64(file, footer + 8 * i, (f & 2) == 0 ? Math.floorMod(f, body.length + 8) : f >>> 4);
          }
          Coding.putFixed32(file, footer + 32, TableFormat.FORMAT_VERSION);
          Coding.putFixed64(file, footer + 40, TableFormat.MAGIC);
          rechecksumFooter(file);
          return file;
        }));
  }

  private static void checkDamaged(long seed, int entries, int damages) throws IOException {
    Random random = new Random(seed);
    List<Entry> written = randomEntries(random, entries);
    byte[] table = validTable(random, written);
    List<Entry> intact = exercise(table, seed);
    assertNotNull(intact, "an intact table reads");
    assertEquals(written.size(), intact.size());
    for (int i = 0; i < written.size(); i++) {
      assertArrayEquals(written.get(i).key(), intact.get(i).key());
      assertArrayEquals(written.get(i).value(), intact.get(i).value());
    }
    byte[] damaged = table;
    for (int d = 0; d < damages && damaged.length >= TableFormat.FOOTER_SIZE; d++) {
      try {
        damaged = damage(damaged, random);
      } catch (IllegalStateException layoutUnreadable) {
        break; // an earlier damage left no parsable layout to aim at: test what we have
      }
    }
    exercise(damaged, seed);
  }

  @Property(tries = 400)
  void arbitraryFilesOpenOrCorruption(@ForAll("arbitraryFiles") byte[] file, @ForAll long seed) throws IOException {
    exercise(file, seed);
  }

  @Property(tries = 500)
  void damagedTablesReadOrCorruption(@ForAll long seed, @ForAll("entryCounts") int entries,
      @ForAll("damageCounts") int damages) throws IOException {
    checkDamaged(seed, entries, damages);
  }

  @Provide
  Arbitrary<Integer> entryCounts() {
    return Arbitraries.integers().between(1, 120);
  }

  @Provide
  Arbitrary<Integer> damageCounts() {
    return Arbitraries.integers().between(1, 2);
  }

  @Property(tries = 20_000)
  @Tag("slow")
  void damagedTablesLongRun(@ForAll long seed, @ForAll("entryCounts") int entries,
      @ForAll("damageCounts") int damages) throws IOException {
    checkDamaged(seed, entries, damages);
  }

  @Property(tries = 20_000)
  @Tag("slow")
  void arbitraryFilesLongRun(@ForAll("arbitraryFiles") byte[] file, @ForAll long seed) throws IOException {
    exercise(file, seed);
  }
}
