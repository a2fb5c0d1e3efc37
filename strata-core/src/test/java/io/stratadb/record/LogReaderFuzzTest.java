package io.stratadb.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.stratadb.CorruptionException;
import io.stratadb.FuzzBounds;
import io.stratadb.util.ByteSink;
import io.stratadb.util.Crc32c;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.statistics.Statistics;

/**
 * Fuzzes {@link LogReader} (the WAL and manifest reader) with arbitrary bytes, with soups of
 * physical records whose checksums are right but whose types, lengths and order are arbitrary, and
 * with valid logs that were then damaged. The reader must return records or end, or throw {@link
 * CorruptionException} naming the file and an offset inside it; nothing else, and no endless loop.
 * On a damaged valid log, what it returns must be a prefix of what was written.
 */
class LogReaderFuzzTest {
  private static final String NAME = "fuzz.log";

  /** Reads every record; null if the reader reported corruption (checked to be well-formed). */
  static List<byte[]> readAllOrCorruption(byte[] data) {
    List<byte[]> out = FuzzBounds.withinLimit(() -> read(data));
    Statistics.label("outcome").collect(out == null ? "corruption reported" : "records read");
    return out;
  }

  private static List<byte[]> read(byte[] data) throws IOException {
    LogReader reader = new LogReader(MemoryFile.readable(data), NAME);
    List<byte[]> out = new ArrayList<>();
    long payload = 0;
    try {
      byte[] r;
      while ((r = reader.readRecord()) != null) {
        payload += r.length;
        out.add(r);
        if (payload > data.length || out.size() > data.length / LogFormat.HEADER_SIZE + 1) {
          fail("the reader returned more than the file holds: " + out.size() + " records, " + payload + " bytes");
        }
      }
      assertNull(reader.readRecord(), "the end is sticky");
      assertTrue(reader.droppedTailOffset() < data.length);
      return out;
    } catch (CorruptionException e) {
      assertEquals(NAME, e.file());
      assertTrue(e.offset() >= 0 && e.offset() < data.length, "offset " + e.offset() + " of " + data.length);
      assertTrue(e.getMessage().contains(NAME + " at offset " + e.offset()), e.getMessage());
      return null;
    }
  }

  @Provide
  Arbitrary<byte[]> arbitraryBytes() {
    return Arbitraries.integers().between(0, 3 * LogFormat.BLOCK_SIZE + 100).flatMap(size ->
        Arbitraries.longs().map(seed -> {
          byte[] b = new byte[size];
          new Random(seed).nextBytes(b);
          return b;
        }));
  }

  /** A physical record with a correct checksum but any type (0..6) and payload. */
  record Physical(int type, byte[] payload, boolean goodCrc) {}

  @Provide
  Arbitrary<List<Physical>> soups() {
    Arbitrary<byte[]> payloads = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, Arbitraries.bytes().array(byte[].class).ofMaxSize(40)),
        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, LogFormat.BLOCK_SIZE).map(byte[]::new)));
    Arbitrary<Physical> physical = Combinators.combine(Arbitraries.integers().between(0, 6), payloads,
        Arbitraries.frequency(net.jqwik.api.Tuple.of(9, true), net.jqwik.api.Tuple.of(1, false)))
        .as(Physical::new);
    return physical.list().ofMaxSize(30);
  }

  /** Lays physical records out as the writer would (no record crosses a block; short tails zeroed). */
  static byte[] lay(List<Physical> soup) {
    ByteSink sink = new ByteSink(1024);
    for (Physical p : soup) {
      int left = LogFormat.BLOCK_SIZE - sink.size() % LogFormat.BLOCK_SIZE;
      if (left < LogFormat.HEADER_SIZE) {
        sink.put(new byte[left], 0, left);
        left = LogFormat.BLOCK_SIZE;
      }
      int length = Math.min(p.payload().length, left - LogFormat.HEADER_SIZE);
      int crc = Crc32c.mask(Crc32c.value((byte) p.type(), p.payload(), 0, length));
      sink.putFixed32(p.goodCrc() ? crc : ~crc).put((byte) length).put((byte) (length >>> 8)).put((byte) p.type());
      sink.put(p.payload(), 0, length);
    }
    return sink.toByteArray();
  }

  /** A damage to a valid log: flip, cut, zero or overwrite a range, or append garbage. */
  record Damage(int kind, double where, int length, long seed) {
    byte[] apply(byte[] log) {
      Random random = new Random(seed);
      int at = (int) (where * log.length);
      int end = Math.min(log.length, at + length);
      byte[] out = log.clone();
      switch (kind) {
        case 0:
          if (at < log.length) {
            out[at] ^= (byte) (1 + random.nextInt(255));
          }
          return out;
        case 1:
          return Arrays.copyOf(log, at);
        case 2:
          Arrays.fill(out, at, end, (byte) 0);
          return out;
        case 3:
          for (int i = at; i < end; i++) {
            out[i] = (byte) random.nextInt();
          }
          return out;
        default:
          byte[] longer = Arrays.copyOf(log, log.length + length);
          for (int i = log.length; i < longer.length; i++) {
            longer[i] = (byte) random.nextInt();
          }
          return longer;
      }
    }
  }

  @Provide
  Arbitrary<List<Integer>> recordSizes() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, Arbitraries.integers().between(0, 100)),
        net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0, LogFormat.BLOCK_SIZE + 10)),
        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(LogFormat.BLOCK_SIZE - 20, LogFormat.BLOCK_SIZE)),
        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 3 * LogFormat.BLOCK_SIZE))).list().ofMaxSize(12);
  }

  @Provide
  Arbitrary<List<Damage>> damages() {
    return Combinators.combine(Arbitraries.integers().between(0, 4), Arbitraries.doubles().between(0, 1),
        Arbitraries.integers().between(1, 200), Arbitraries.longs()).as(Damage::new).list().ofMinSize(1).ofMaxSize(3);
  }

  private static void checkArbitrary(byte[] data) throws IOException {
    readAllOrCorruption(data);
  }

  private static void checkSoup(List<Physical> soup) throws IOException {
    readAllOrCorruption(lay(soup));
  }

  private static byte[] damaged(byte[] log, List<Damage> damages) {
    for (Damage d : damages) {
      log = d.apply(log);
    }
    return log;
  }

  private static void checkDamaged(List<Integer> sizes, long seed, List<Damage> damages) throws IOException {
    List<byte[]> records = LogTestSupport.randomRecords(seed, sizes.stream().mapToInt(Integer::intValue).toArray());
    byte[] log = damaged(LogTestSupport.write(records), damages);
    List<byte[]> read = readAllOrCorruption(log);
    if (read != null) {
      assertTrue(read.size() <= records.size(), "more records than were written");
      for (int i = 0; i < read.size(); i++) {
        assertArrayEquals(records.get(i), read.get(i), "record " + i + " is not what was written there");
      }
    }
  }

  /** A salvaging reader on a damaged log: never throws, and reads a subsequence of what was written. */
  private static void checkSalvaged(List<Integer> sizes, long seed, List<Damage> damages) throws IOException {
    List<byte[]> records = LogTestSupport.randomRecords(seed, sizes.stream().mapToInt(Integer::intValue).toArray());
    byte[] log = damaged(LogTestSupport.write(records), damages);
    byte[] data = log;
    long[] skipped = {0};
    List<byte[]> read = FuzzBounds.withinLimit(() -> {
      LogReader reader = new LogReader(MemoryFile.readable(data), NAME, (offset, length, reason) -> {
        assertTrue(offset >= 0 && length > 0 && offset + length <= data.length, offset + "+" + length);
        skipped[0]++;
      });
      List<byte[]> out = new ArrayList<>();
      byte[] r;
      while ((r = reader.readRecord()) != null) {
        out.add(r);
      }
      return out;
    });
    Statistics.label("salvage").collect(skipped[0] == 0 ? "nothing skipped" : "regions skipped");
    int next = 0;
    for (byte[] r : read) {
      while (next < records.size() && !Arrays.equals(records.get(next), r)) {
        next++;
      }
      assertTrue(next < records.size(), "salvaged a record that was never written, or out of order");
      next++;
    }
  }

  @Property(tries = 300)
  void damagedLogsSalvageASubsequence(@ForAll("recordSizes") List<Integer> sizes, @ForAll long seed,
      @ForAll("damages") List<Damage> damages) throws IOException {
    checkSalvaged(sizes, seed, damages);
  }

  @Property(tries = 300)
  void arbitraryBytesReadOrCorruption(@ForAll("arbitraryBytes") byte[] data) throws IOException {
    checkArbitrary(data);
  }

  @Property(tries = 500)
  void checksummedRecordSoupsReadOrCorruption(@ForAll("soups") List<Physical> soup) throws IOException {
    checkSoup(soup);
  }

  @Property(tries = 400)
  void damagedLogsReadAPrefixOrCorruption(@ForAll("recordSizes") List<Integer> sizes, @ForAll long seed,
      @ForAll("damages") List<Damage> damages) throws IOException {
    checkDamaged(sizes, seed, damages);
  }

  @Property(tries = 20_000)
  @Tag("slow")
  void checksummedRecordSoupsLongRun(@ForAll("soups") List<Physical> soup) throws IOException {
    checkSoup(soup);
  }

  @Property(tries = 10_000)
  @Tag("slow")
  void damagedLogsLongRun(@ForAll("recordSizes") List<Integer> sizes, @ForAll long seed,
      @ForAll("damages") List<Damage> damages) throws IOException {
    checkDamaged(sizes, seed, damages);
  }
}
