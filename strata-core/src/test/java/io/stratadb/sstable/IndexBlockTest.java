package io.stratadb.sstable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.stratadb.CorruptionException;
import io.stratadb.key.InternalKey;
import io.stratadb.key.ValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The decoded index's fingerprint search agrees with a plain scan of the last keys. */
class IndexBlockTest {

  /** User keys over a small alphabet with a long shared prefix, so fingerprints often tie. */
  private static byte[] userKey(Random random, String prefix) {
    StringBuilder b = new StringBuilder(prefix);
    int length = random.nextInt(12);
    for (int i = 0; i < length; i++) {
      b.append((char) ('a' + random.nextInt(3)));
    }
    if (random.nextInt(8) == 0) {
      b.append((char) 0); // a trailing zero byte pads like a shorter key
    }
    return b.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  private static IndexBlock index(List<byte[]> lastKeys) {
    BlockBuilder builder = new BlockBuilder(1, 4096);
    long offset = 0;
    for (byte[] key : lastKeys) {
      builder.add(key, new BlockHandle(offset, 100).encode());
      offset += 105;
    }
    return IndexBlock.decode(new Block(builder.finish(), "i.sst", 7), "i.sst", 7);
  }

  @Property(tries = 300)
  void searchMatchesAScan(@ForAll long seed, @ForAll @IntRange(min = 0, max = 60) int blocks) {
    Random random = new Random(seed);
    String prefix = random.nextBoolean() ? "" : "0000000000";
    TreeSet<byte[]> keys = new TreeSet<>(InternalKey::compare);
    while (keys.size() < blocks) {
      keys.add(InternalKey.encode(userKey(random, prefix), random.nextInt(5), ValueType.PUT));
    }
    List<byte[]> lastKeys = new ArrayList<>(keys);
    IndexBlock index = index(lastKeys);
    for (int probe = 0; probe < 200; probe++) {
      String probePrefix = random.nextInt(4) == 0 ? prefix.substring(0, random.nextInt(prefix.length() + 1)) : prefix;
      byte[] target = InternalKey.encode(userKey(random, probePrefix), random.nextInt(5),
          random.nextBoolean() ? ValueType.PUT : ValueType.DELETE);
      int expected = 0;
      while (expected < lastKeys.size() && InternalKey.compare(lastKeys.get(expected), target) < 0) {
        expected++;
      }
      assertEquals(expected, index.firstBlockEndingAtOrAfter(target), InternalKey.toString(target));
    }
  }

  @Test
  void keysOutOfOrderAreCorruptionAtTheIndex() {
    List<byte[]> lastKeys = List.of(
        InternalKey.encode("b".getBytes(), 1, ValueType.PUT), InternalKey.encode("a".getBytes(), 1, ValueType.PUT));
    CorruptionException e = assertThrows(CorruptionException.class, () -> index(lastKeys));
    assertEquals("i.sst", e.file());
    assertEquals(7, e.offset());
  }
}
