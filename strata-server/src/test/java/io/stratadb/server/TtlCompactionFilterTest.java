package io.stratadb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.stratadb.CompactionFilter.Decision;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TtlCompactionFilterTest {

  private final AtomicLong now = new AtomicLong(1_000);
  private final TtlCompactionFilter filter = new TtlCompactionFilter(now::get);

  @Test
  void keepsEverythingUntilActivated() {
    byte[] expired = ValueCodec.encode(new byte[] {1}, 500);
    assertEquals(Decision.KEEP, filter.filter(1, new byte[] {1}, expired), "a plain database's value, maybe");
    filter.activate();
    assertEquals(Decision.REMOVE, filter.filter(1, new byte[] {1}, expired));
  }

  @Test
  void removesOnlyExpiredValues() {
    filter.activate();
    byte[] expiring = ValueCodec.encode(new byte[] {1}, 2_000);
    assertEquals(Decision.KEEP, filter.filter(1, new byte[] {1}, expiring));
    now.set(2_000);
    assertEquals(Decision.REMOVE, filter.filter(1, new byte[] {1}, expiring));
    assertEquals(Decision.KEEP, filter.filter(1, new byte[] {1}, ValueCodec.encode(new byte[] {1}, 0)));
  }

  @Test
  void keepsValuesItCannotRead() {
    filter.activate();
    now.set(Long.MAX_VALUE);
    assertEquals(Decision.KEEP, filter.filter(1, new byte[] {1}, "not ours".getBytes()));
    assertEquals(Decision.KEEP, filter.filter(1, new byte[] {1}, new byte[0]));
  }
}
