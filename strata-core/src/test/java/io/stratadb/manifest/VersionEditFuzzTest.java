package io.stratadb.manifest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.CorruptionException;
import io.stratadb.key.InternalKey;
import io.stratadb.key.ValueType;
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
 * Fuzzes {@link VersionEdit#decode} with arbitrary bytes and with valid edits that were then
 * damaged. Decoding must return a well-formed edit (levels in range, non-negative numbers,
 * sequences that fit an internal key, file keys that are internal keys, and one that re-encodes
 * to an equal edit), or throw {@link CorruptionException} naming the file and record offset.
 */
class VersionEditFuzzTest {
  private static final long OFFSET = 99;

  /** The decoded edit, or null after a well-formed corruption report. */
  static VersionEdit decodeOrCorruption(byte[] record) {
    VersionEdit edit;
    try {
      edit = VersionEdit.decode(record, "MANIFEST-fuzz", OFFSET);
    } catch (CorruptionException e) {
      Statistics.label("outcome").collect("corruption reported");
      assertEquals("MANIFEST-fuzz", e.file());
      assertEquals(OFFSET, e.offset());
      return null;
    }
    Statistics.label("outcome").collect("decoded");
    assertWellFormed(edit);
    VersionEdit again = VersionEdit.decode(edit.encode(), "re-encoded", 0);
    assertEquals(describe(edit), describe(again), "decode(encode(edit)) differs");
    return edit;
  }

  private static void assertWellFormed(VersionEdit edit) {
    for (Long n : new Long[] {edit.logNumber(), edit.nextFileNumber()}) {
      assertTrue(n == null || n >= 0, "number " + n);
    }
    assertTrue(edit.lastSequence() == null || (edit.lastSequence() >= 0
        && edit.lastSequence() <= InternalKey.MAX_SEQUENCE), "last sequence " + edit.lastSequence());
    for (VersionEdit.NewFile f : edit.newFiles()) {
      assertTrue(f.level() >= 0 && f.level() < Version.NUM_LEVELS);
      assertTrue(f.file().number() >= 0 && f.file().size() >= 0, f.toString());
      assertTrue(InternalKey.isWellFormed(f.file().smallest()), "smallest key");
      assertTrue(InternalKey.isWellFormed(f.file().largest()), "largest key");
      assertNotNull(f.file().toString());
    }
    for (VersionEdit.DeletedFile d : edit.deletedFiles()) {
      assertTrue(d.level() >= 0 && d.level() < Version.NUM_LEVELS);
      assertTrue(d.number() >= 0);
    }
  }

  private static String describe(VersionEdit e) {
    StringBuilder sb = new StringBuilder();
    sb.append(e.comparatorName()).append('|').append(e.logNumber()).append('|').append(e.nextFileNumber())
        .append('|').append(e.lastSequence());
    for (VersionEdit.NewFile f : e.newFiles()) {
      sb.append("|+").append(f.level()).append(':').append(f.file().number()).append(':').append(f.file().size())
          .append(':').append(Arrays.toString(f.file().smallest())).append(':')
          .append(Arrays.toString(f.file().largest()));
    }
    for (VersionEdit.DeletedFile d : e.deletedFiles()) {
      sb.append("|-").append(d.level()).append(':').append(d.number());
    }
    return sb.toString();
  }

  @Provide
  Arbitrary<byte[]> arbitraryRecords() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, Arbitraries.bytes().array(byte[].class).ofMaxSize(200)),
        // small tags and varints make arbitrary bytes reach deeper into the decoder
        net.jqwik.api.Tuple.of(2, Arbitraries.bytes().between((byte) 0, (byte) 9).array(byte[].class).ofMaxSize(200)));
  }

  @Provide
  Arbitrary<VersionEdit> edits() {
    Arbitrary<byte[]> key = Combinators.combine(Arbitraries.bytes().array(byte[].class).ofMaxSize(12),
        Arbitraries.longs().between(0, InternalKey.MAX_SEQUENCE), Arbitraries.of(ValueType.PUT, ValueType.DELETE))
        .as(InternalKey::encode);
    Arbitrary<long[]> numbers = Arbitraries.longs().between(0, 1L << 40).array(long[].class).ofSize(2);
    Arbitrary<Object[]> file = Combinators.combine(Arbitraries.integers().between(0, Version.NUM_LEVELS - 1),
        numbers, key, key).as((level, n, a, b) -> new Object[] {level, n, a, b});
    Arbitrary<List<Object[]>> files = file.list().ofMaxSize(5);
    Arbitrary<Long> optional = Arbitraries.longs().between(0, InternalKey.MAX_SEQUENCE).injectNull(0.3);
    return Combinators.combine(files, optional, optional, optional, Arbitraries.of(true, false))
        .as((fs, log, next, last, named) -> {
          VersionEdit edit = new VersionEdit();
          if (named) {
            edit.comparatorName(VersionEdit.COMPARATOR_NAME);
          }
          if (log != null) {
            edit.logNumber(log);
          }
          if (next != null) {
            edit.nextFileNumber(next);
          }
          if (last != null) {
            edit.lastSequence(last);
          }
          for (Object[] f : fs) {
            long[] n = (long[]) f[1];
            byte[] a = (byte[]) f[2];
            byte[] b = (byte[]) f[3];
            boolean ordered = InternalKey.compare(a, b) <= 0;
            edit.addFile((Integer) f[0], new FileMetadata(n[0], n[1], ordered ? a : b, ordered ? b : a));
            edit.deleteFile((Integer) f[0], n[1]);
          }
          return edit;
        });
  }

  private static void checkDamaged(VersionEdit edit, long seed, int damages) {
    byte[] record = edit.encode();
    Random random = new Random(seed);
    for (int d = 0; d < damages && record.length > 0; d++) {
      switch (random.nextInt(4)) {
        case 0:
          record[random.nextInt(record.length)] ^= (byte) (1 + random.nextInt(255));
          break;
        case 1:
          record = Arrays.copyOf(record, random.nextInt(record.length + 1));
          break;
        case 2:
          record[random.nextInt(record.length)] = (byte) random.nextInt(10); // a small tag or length
          break;
        default:
          record[random.nextInt(record.length)] = (byte) (0x80 | random.nextInt()); // a longer varint
      }
    }
    VersionEdit decoded = decodeOrCorruption(record);
    if (damages == 0) {
      assertNotNull(decoded, "an intact edit decodes");
      assertEquals(describe(edit), describe(decoded));
      assertArrayEquals(record, decoded.encode());
    }
  }

  @Property(tries = 500)
  void arbitraryRecordsDecodeOrCorruption(@ForAll("arbitraryRecords") byte[] record) {
    decodeOrCorruption(record);
  }

  @Property(tries = 500)
  void damagedEditsDecodeOrCorruption(@ForAll("edits") VersionEdit edit, @ForAll long seed,
      @ForAll("damageCounts") int damages) {
    checkDamaged(edit, seed, damages);
  }

  @Provide
  Arbitrary<Integer> damageCounts() {
    return Arbitraries.integers().between(0, 3);
  }

  @Property(tries = 20_000)
  @Tag("slow")
  void arbitraryRecordsLongRun(@ForAll("arbitraryRecords") byte[] record) {
    decodeOrCorruption(record);
  }

  @Property(tries = 20_000)
  @Tag("slow")
  void damagedEditsLongRun(@ForAll("edits") VersionEdit edit, @ForAll long seed,
      @ForAll("damageCounts") int damages) {
    checkDamaged(edit, seed, damages);
  }
}
