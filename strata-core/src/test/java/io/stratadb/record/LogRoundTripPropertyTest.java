package io.stratadb.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class LogRoundTripPropertyTest {

  @Provide
  Arbitrary<List<Integer>> recordSizes() {
    Arbitrary<Integer> size = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(5, Arbitraries.integers().between(0, 64)),
        net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(0, 2 * LogFormat.BLOCK_SIZE)),
        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(
            LogFormat.BLOCK_SIZE - 2 * LogFormat.HEADER_SIZE, LogFormat.BLOCK_SIZE + 1)),
        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 150_000)));
    return size.list().ofMaxSize(40);
  }

  @Property(tries = 200)
  void randomRecordsRoundTrip(@ForAll("recordSizes") List<Integer> sizes, @ForAll long seed) throws IOException {
    Random random = new Random(seed);
    List<byte[]> records = new ArrayList<>();
    for (int size : sizes) {
      records.add(LogTestSupport.randomRecord(random, size));
    }
    byte[] data = LogTestSupport.write(records);
    List<LogTestSupport.Span> spans = LogTestSupport.layout(records);
    LogReader reader = new LogReader(MemoryFile.readable(data), "prop.log");
    for (int i = 0; i < records.size(); i++) {
      assertArrayEquals(records.get(i), reader.readRecord());
      assertEquals(spans.get(i).start(), reader.lastRecordOffset());
    }
    assertNull(reader.readRecord());
    assertEquals(-1, reader.droppedTailOffset());
  }
}
