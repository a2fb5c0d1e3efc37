package io.stratadb.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.CorruptionException;
import io.stratadb.WriteBatch;
import io.stratadb.key.InternalKey;
import io.stratadb.key.ValueType;
import io.stratadb.util.Coding;
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
 * Fuzzes {@link WalBatch#decode} with arbitrary bytes and with valid write batches that were then
 * damaged (the log's checksums would catch most of this; a bad record can still reach the decoder
 * if it was written bad). Decoding must return entries whose sequence numbers fit an internal key,
 * or throw {@link CorruptionException} naming the file and record offset without applying any
 * entry.
 */
class WalBatchFuzzTest {
  private static final long OFFSET = 4321;

  /** One decoded entry. */
  record Entry(long sequence, ValueType type, byte[] key, byte[] value) {}

  /** The entries of a record, or null after a well-formed corruption report. */
  static List<Entry> decodeOrCorruption(byte[] record) {
    List<Entry> entries = new ArrayList<>();
    try {
      long last = WalBatch.decode(record, "fuzz.log", OFFSET,
          (seq, type, key, value) -> entries.add(new Entry(seq, type, key, value)));
      long total = 0;
      for (int i = 0; i < entries.size(); i++) {
        Entry e = entries.get(i);
        assertNotNull(e.key());
        assertNotNull(e.value());
        assertTrue(e.sequence() >= 0 && e.sequence() <= InternalKey.MAX_SEQUENCE, "sequence " + e.sequence());
        assertEquals(entries.get(0).sequence() + i, e.sequence());
        total += e.key().length + e.value().length;
      }
      assertTrue(total <= record.length);
      if (!entries.isEmpty()) {
        assertEquals(entries.get(entries.size() - 1).sequence(), last);
      }
      Statistics.label("outcome").collect("decoded");
      return entries;
    } catch (CorruptionException e) {
      Statistics.label("outcome").collect("corruption reported");
      assertTrue(entries.isEmpty(), "entries applied before the corruption was found");
      assertEquals("fuzz.log", e.file());
      assertEquals(OFFSET, e.offset());
      return null;
    }
  }

  @Provide
  Arbitrary<byte[]> arbitraryRecords() {
    Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    // a plausible header (small sequence and count) over a body of small bytes: short varints,
    // type codes 0 and 1 and lengths that fit, so decoding gets past the header
    Arbitrary<byte[]> plausible = Combinators.combine(Arbitraries.longs().between(0, 1000),
        Arbitraries.integers().between(0, 6),
        Arbitraries.bytes().between((byte) 0, (byte) 4).array(byte[].class).ofMaxSize(40))
        .as((sequence, count, body) -> {
          byte[] record = Arrays.copyOf(new byte[12], 12 + body.length);
          Coding.putFixed64(record, 0, sequence);
          Coding.putFixed32(record, 8, count);
          System.arraycopy(body, 0, record, 12, body.length);
          return record;
        });
    return Arbitraries.oneOf(raw, plausible);
  }

  /** A batch of up to 20 puts and deletes with small random keys and values. */
  @Provide
  Arbitrary<WriteBatch> batches() {
    Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(20);
    Arbitrary<Object[]> op = Combinators.combine(Arbitraries.of(true, false), bytes, bytes).as((put, k, v) ->
        new Object[] {put, k, v});
    return op.list().ofMaxSize(20).map(ops -> {
      WriteBatch batch = new WriteBatch();
      for (Object[] o : ops) {
        if ((Boolean) o[0]) {
          batch.put((byte[]) o[1], (byte[]) o[2]);
        } else {
          batch.delete((byte[]) o[1]);
        }
      }
      return batch;
    });
  }

  @Provide
  Arbitrary<Long> sequences() {
    return Arbitraries.oneOf(Arbitraries.longs().between(0, 1000), Arbitraries.longs(),
        Arbitraries.longs().between(InternalKey.MAX_SEQUENCE - 30, InternalKey.MAX_SEQUENCE + 30));
  }

  private static void checkDamaged(long sequence, WriteBatch batch, long seed, int damages) {
    byte[] record = WalBatch.encode(sequence, batch);
    Random random = new Random(seed);
    for (int d = 0; d < damages; d++) {
      switch (random.nextInt(5)) {
        case 0:
          record[random.nextInt(record.length)] ^= (byte) (1 + random.nextInt(255));
          break;
        case 1:
          record = Arrays.copyOf(record, random.nextInt(record.length + 1));
          break;
        case 2:
          if (record.length >= 12) {
            Coding.putFixed32(record, 8, random.nextBoolean() ? random.nextInt() : random.nextInt(40));
          }
          break;
        case 3:
          record = Arrays.copyOf(record, record.length + 1 + random.nextInt(10));
          break;
        default:
          if (record.length > 12) {
            record[12 + random.nextInt(record.length - 12)] = (byte) (0x80 | random.nextInt());
          }
      }
      if (record.length == 0) {
        break;
      }
    }
    List<Entry> entries = decodeOrCorruption(record);
    boolean inRange = sequence >= 0 && sequence <= InternalKey.MAX_SEQUENCE - Math.max(0, batch.count() - 1);
    if (damages == 0 && inRange) {
      assertNotNull(entries, "an intact batch decodes");
      assertEquals(batch.count(), entries.size());
    }
  }

  @Property(tries = 500)
  void arbitraryRecordsDecodeOrCorruption(@ForAll("arbitraryRecords") byte[] record) {
    decodeOrCorruption(record);
  }

  @Property(tries = 500)
  void damagedBatchesDecodeOrCorruption(@ForAll("sequences") long sequence, @ForAll("batches") WriteBatch batch,
      @ForAll long seed, @ForAll("damageCounts") int damages) {
    checkDamaged(sequence, batch, seed, damages);
  }

  @Provide
  Arbitrary<Integer> damageCounts() {
    return Arbitraries.integers().between(0, 3);
  }

  @Property(tries = 20_000)
  @Tag("slow")
  void damagedBatchesLongRun(@ForAll("sequences") long sequence, @ForAll("batches") WriteBatch batch,
      @ForAll long seed, @ForAll("damageCounts") int damages) {
    checkDamaged(sequence, batch, seed, damages);
  }
}
