package io.stratadb.sstable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.stratadb.CorruptionException;
import io.stratadb.FuzzBounds;
import io.stratadb.iterator.InternalIterator;
import io.stratadb.key.InternalKey;
import io.stratadb.util.Coding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.statistics.Statistics;

/**
 * Fuzzes {@link Block} and its iterator (the block's checksum has already passed, so the contents
 * are whatever was written: here arbitrary bytes, and valid blocks that were then damaged). Every
 * operation (seekToFirst, next, seekToLast, prev, seek, seekForPrev) must yield entries that lie
 * inside the block, or throw {@link CorruptionException} naming the file and the block's offset;
 * never another exception, never an endless loop. Both a bytewise and the internal-key comparator
 * are used: a key too short to be an internal key must be reported, not crash the comparison.
 */
class BlockFuzzTest {
  private static final long OFFSET = 8192;
  private static final Comparator<byte[]> BYTEWISE = Arrays::compareUnsigned;

  /** Runs every iterator operation over {@code contents}; returns the forward entries, or null on corruption. */
  static List<byte[][]> exercise(byte[] contents, Comparator<byte[]> comparator, long seed) {
    List<byte[][]> out = FuzzBounds.withinLimit(() -> run(contents, comparator, seed));
    Statistics.label("outcome").collect(out == null ? "corruption reported" : "entries read");
    return out;
  }

  private static List<byte[][]> run(byte[] contents, Comparator<byte[]> comparator, long seed) {
    Block block;
    try {
      block = new Block(contents, "fuzz.sst", OFFSET);
    } catch (CorruptionException e) {
      assertReport(e);
      return null;
    }
    List<byte[][]> forward = new ArrayList<>();
    int limit = contents.length / 3 + 2; // an entry takes at least three bytes of header
    try (InternalIterator it = block.iterator(comparator)) {
      try {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          check(it, contents);
          forward.add(new byte[][] {it.key(), it.value()});
          if (forward.size() > limit) {
            fail("more entries than the block can hold: an endless loop");
          }
        }
      } catch (CorruptionException e) {
        assertReport(e);
        forward = null;
      }
      int steps = 0;
      try {
        for (it.seekToLast(); it.isValid(); it.prev()) {
          check(it, contents);
          if (++steps > limit) {
            fail("more entries backward than the block can hold: an endless loop");
          }
        }
      } catch (CorruptionException e) {
        assertReport(e);
      }
      Random random = new Random(seed);
      List<byte[]> targets = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        byte[] t = new byte[random.nextInt(12)];
        random.nextBytes(t);
        targets.add(comparator == BYTEWISE || t.length >= 8 ? t : Arrays.copyOf(t, 8 + t.length));
      }
      if (forward != null && !forward.isEmpty()) {
        targets.add(forward.get(random.nextInt(forward.size()))[0]);
      }
      for (byte[] target : targets) {
        try {
          it.seek(target);
          if (it.isValid()) {
            check(it, contents);
            it.next();
          }
        } catch (CorruptionException e) {
          assertReport(e);
        }
        try {
          it.seekForPrev(target);
          if (it.isValid()) {
            check(it, contents);
            it.prev();
          }
        } catch (CorruptionException e) {
          assertReport(e);
        }
      }
    }
    return forward;
  }

  private static void check(InternalIterator it, byte[] contents) {
    assertTrue(it.key().length + it.value().length <= contents.length, "entry larger than the block");
  }

  private static void assertReport(CorruptionException e) {
    assertEquals("fuzz.sst", e.file());
    assertEquals(OFFSET, e.offset());
  }

  @Provide
  Arbitrary<byte[]> arbitraryBlocks() {
    Arbitrary<byte[]> bodies = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(400)),
        // small bytes read as short varints and plausible lengths
        net.jqwik.api.Tuple.of(3, Arbitraries.bytes().between((byte) 0, (byte) 12).array(byte[].class).ofMaxSize(400)));
    Arbitrary<double[]> restarts = Arbitraries.doubles().between(0, 1).array(double[].class).ofMinSize(1).ofMaxSize(5);
    return net.jqwik.api.Combinators.combine(bodies, restarts, Arbitraries.integers().between(0, 9))
        .as((body, points, tail) -> {
          if (tail == 0) {
            return body; // the body as a whole block, restart array included
          }
          // an arbitrary body with a restart array that fits it: offsets inside the body, a small count
          byte[] block = Arrays.copyOf(body, body.length + 4 * points.length + 4);
          for (int i = 0; i < points.length; i++) {
            Coding.putFixed32(block, body.length + 4 * i, (int) (points[i] * body.length));
          }
          Coding.putFixed32(block, block.length - 4, points.length);
          return block;
        });
  }

  /** Sorted distinct keys (internal keys when {@code internal}), each with a value. */
  static byte[] validBlock(Random random, int entries, int restartInterval, boolean internal) {
    TreeSet<byte[]> keys = new TreeSet<>(internal ? InternalKey::compare : BYTEWISE);
    while (keys.size() < entries) {
      byte[] user = new byte[random.nextInt(10)];
      for (int i = 0; i < user.length; i++) {
        user[i] = (byte) ('a' + random.nextInt(4)); // shared prefixes
      }
      keys.add(internal ? InternalKey.encode(user, random.nextInt(1000), io.stratadb.key.ValueType.PUT) : user);
    }
    BlockBuilder builder = new BlockBuilder(restartInterval, 256);
    for (byte[] k : keys) {
      byte[] v = new byte[random.nextInt(20)];
      random.nextBytes(v);
      builder.add(k, v);
    }
    return builder.finish();
  }

  /** Damages a block: flips, cuts, a rewritten restart count or restart point, or an entry header. */
  static byte[] damage(byte[] block, Random random, int damages) {
    byte[] b = block.clone();
    for (int d = 0; d < damages && b.length > 0; d++) {
      switch (random.nextInt(6)) {
        case 0:
          b[random.nextInt(b.length)] ^= (byte) (1 + random.nextInt(255));
          break;
        case 1:
          b = Arrays.copyOf(b, random.nextInt(b.length + 1));
          break;
        case 2:
          if (b.length >= 4) {
            Coding.putFixed32(b, b.length - 4, random.nextBoolean() ? random.nextInt() : random.nextInt(8));
          }
          break;
        case 3:
          if (b.length >= 8) {
            int restarts = Coding.getFixed32(b, b.length - 4);
            int slot = b.length - 8 - 4 * Math.floorMod(random.nextInt(), Math.max(1, Math.min(restarts, b.length / 4 - 1)));
            if (slot >= 0) {
              Coding.putFixed32(b, slot, random.nextBoolean() ? random.nextInt() : random.nextInt(b.length));
            }
          }
          break;
        case 4:
          b[random.nextInt(b.length)] = (byte) random.nextInt(20); // a short or lengthened entry
          break;
        default:
          b[random.nextInt(b.length)] = (byte) (0x80 | random.nextInt()); // a varint running on
      }
    }
    return b;
  }

  private static void checkDamaged(long seed, int entries, int restartInterval, int damages, boolean internal) {
    Random random = new Random(seed);
    byte[] block = validBlock(random, entries, restartInterval, internal);
    List<byte[][]> intact = exercise(block, internal ? InternalKey::compare : BYTEWISE, seed);
    assertEquals(entries, intact == null ? -1 : intact.size(), "an intact block reads back");
    exercise(damage(block, random, damages), internal ? InternalKey::compare : BYTEWISE, seed);
  }

  @Property(tries = 500)
  void arbitraryBlocksIterateOrCorruption(@ForAll("arbitraryBlocks") byte[] contents, @ForAll long seed) {
    exercise(contents, BYTEWISE, seed);
    exercise(contents, InternalKey::compare, seed);
  }

  @Property(tries = 500)
  void damagedBlocksIterateOrCorruption(@ForAll long seed, @ForAll("entryCounts") int entries,
      @ForAll("restartIntervals") int restartInterval, @ForAll("damageCounts") int damages,
      @ForAll boolean internal) {
    checkDamaged(seed, entries, restartInterval, damages, internal);
  }

  @Provide
  Arbitrary<Integer> entryCounts() {
    return Arbitraries.integers().between(0, 40);
  }

  @Provide
  Arbitrary<Integer> restartIntervals() {
    return Arbitraries.integers().between(1, 16);
  }

  @Provide
  Arbitrary<Integer> damageCounts() {
    return Arbitraries.integers().between(1, 3);
  }

  @Property(tries = 20_000)
  @Tag("slow")
  void arbitraryBlocksLongRun(@ForAll("arbitraryBlocks") byte[] contents, @ForAll long seed) {
    exercise(contents, BYTEWISE, seed);
    exercise(contents, InternalKey::compare, seed);
  }

  @Property(tries = 20_000)
  @Tag("slow")
  void damagedBlocksLongRun(@ForAll long seed, @ForAll("entryCounts") int entries,
      @ForAll("restartIntervals") int restartInterval, @ForAll("damageCounts") int damages,
      @ForAll boolean internal) {
    checkDamaged(seed, entries, restartInterval, damages, internal);
  }

  /** An intact block's entries come back in order through the fuzz driver (the driver can see data). */
  @net.jqwik.api.Example
  void driverSeesTheEntriesOfAnIntactBlock() {
    BlockBuilder builder = new BlockBuilder(2, 64);
    builder.add(new byte[] {1}, new byte[] {10});
    builder.add(new byte[] {2}, new byte[] {20});
    builder.add(new byte[] {3}, new byte[0]);
    List<byte[][]> entries = exercise(builder.finish(), BYTEWISE, 1);
    assertEquals(3, entries.size());
    assertArrayEquals(new byte[] {2}, entries.get(1)[0]);
    assertArrayEquals(new byte[] {20}, entries.get(1)[1]);
  }
}
