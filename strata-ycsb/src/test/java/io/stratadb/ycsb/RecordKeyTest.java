package io.stratadb.ycsb;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RecordKeyTest {

  @Test
  void keyIsTableSeparatorKey() {
    assertArrayEquals("t\0user1".getBytes(UTF_8), RecordKey.of("t", "user1"));
  }

  @Test
  void everyKeyOfATableLiesInItsRangeAndNoOtherTablesKeyDoes() {
    byte[] start = RecordKey.tableStart("usertable");
    byte[] end = RecordKey.tableEnd("usertable");
    for (String key : new String[] {"", "user1", "\u00ff\u00ff"}) {
      byte[] k = RecordKey.of("usertable", key);
      assertTrue(Arrays.compareUnsigned(start, k) <= 0 && Arrays.compareUnsigned(k, end) < 0, key);
    }
    for (String table : new String[] {"usertabl", "usertablf", "usertable2", "usertable "}) {
      byte[] k = RecordKey.of(table, "user1");
      assertTrue(Arrays.compareUnsigned(k, start) < 0 || Arrays.compareUnsigned(k, end) >= 0, table);
    }
  }

  @Test
  void keysOfATableKeepTheirOrder() {
    assertTrue(Arrays.compareUnsigned(RecordKey.of("t", "user10"), RecordKey.of("t", "user9")) < 0);
    assertTrue(Arrays.compareUnsigned(RecordKey.of("t", "user"), RecordKey.of("t", "user0")) < 0);
  }

  @Test
  void tableNamesWithTheSeparatorAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> RecordKey.of("a\0b", "k"));
  }
}
