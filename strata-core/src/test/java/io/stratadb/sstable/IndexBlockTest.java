package io.stratadb.sstable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.stratadb.CorruptionException;
import io.stratadb.key.InternalKey;
import io.stratadb.key.ValueType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The decoded index: its search over the last keys (see SortedKeysTest) and its checks. */
class IndexBlockTest {

  private static IndexBlock index(List<byte[]> lastKeys) {
    BlockBuilder builder = new BlockBuilder(1, 4096);
    long offset = 0;
    for (byte[] key : lastKeys) {
      builder.add(key, new BlockHandle(offset, 100).encode());
      offset += 105;
    }
    return IndexBlock.decode(new Block(builder.finish(), "i.sst", 7), "i.sst", 7);
  }

  @Test
  void findsTheFirstBlockEndingAtOrAfterATarget() {
    List<byte[]> lastKeys = new ArrayList<>();
    for (String user : new String[] {"b", "d", "f"}) {
      lastKeys.add(InternalKey.encode(user.getBytes(), 5, ValueType.PUT));
    }
    IndexBlock index = index(lastKeys);
    assertEquals(3, index.size());
    assertEquals(0, index.firstBlockEndingAtOrAfter(InternalKey.encode("a".getBytes(), 9, ValueType.PUT)));
    assertEquals(0, index.firstBlockEndingAtOrAfter(InternalKey.encode("b".getBytes(), 9, ValueType.PUT)));
    assertEquals(1, index.firstBlockEndingAtOrAfter(InternalKey.encode("b".getBytes(), 4, ValueType.PUT)));
    assertEquals(2, index.firstBlockEndingAtOrAfter(InternalKey.encode("e".getBytes(), 1, ValueType.PUT)));
    assertEquals(3, index.firstBlockEndingAtOrAfter(InternalKey.encode("g".getBytes(), 1, ValueType.PUT)));
    assertEquals(105, index.offset(1));
    assertEquals(100, index.blockSize(2));
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
