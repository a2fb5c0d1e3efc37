package io.stratadb.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ByteSinkTest {
  @Test
  void aCopyReplacesTheContentsAndComparesByRange() {
    ByteSink sink = new ByteSink(2);
    sink.put(new byte[] {9, 9, 9, 9, 9});
    byte[] src = {1, 2, 3, 4, 5};
    sink.copyOf(src, 1, 3);
    assertEquals(3, sink.size());
    assertArrayEquals(new byte[] {2, 3, 4}, sink.toByteArray());
    assertTrue(sink.contentEquals(new byte[] {0, 2, 3, 4}, 1, 3));
    assertFalse(sink.contentEquals(src, 1, 2), "a prefix is not equal");
    assertFalse(sink.contentEquals(src, 0, 3));
    src[2] = 7;
    assertArrayEquals(new byte[] {2, 3, 4}, sink.toByteArray(), "the sink holds a copy");
  }
}
