package io.stratadb.cli.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ValueGeneratorTest {

  @Test
  void deterministicPrintableSlices() {
    ValueGenerator a = new ValueGenerator(301, 100);
    ValueGenerator b = new ValueGenerator(301, 100);
    byte[] first = a.next(100);
    assertArrayEquals(first, b.next(100));
    assertEquals(100, first.length);
    for (byte c : first) {
      assertTrue(c >= ' ' && c <= '~', "printable: " + c);
    }
    assertFalse(Arrays.equals(first, a.next(100)), "consecutive values differ");
    // Half of each 100-byte piece repeats the other half: compressible like db_bench's data.
    assertArrayEquals(Arrays.copyOfRange(first, 0, 50), Arrays.copyOfRange(first, 50, 100));
  }

  @Test
  void wrapsAndServesLargeValues() {
    ValueGenerator g = new ValueGenerator(1, 3 << 20);
    assertEquals(3 << 20, g.next(3 << 20).length);
    assertEquals(3 << 20, g.next(3 << 20).length);
    assertEquals(0, g.next(0).length);
    assertThrows(IllegalArgumentException.class, () -> g.next((3 << 20) + 1));
  }
}
