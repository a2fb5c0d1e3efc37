package io.stratadb.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.query.Position;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PositionCheckpointTest {

  @TempDir Path dir;

  private static Position at(long offset) {
    return Position.emptyPosition().withComponent("input", 0, offset);
  }

  @Test
  void savesAtMostOncePerIntervalUnlessForced() {
    PositionFile file = new PositionFile(dir.resolve("s.position"));
    AtomicLong clock = new AtomicLong(10_000);
    PositionCheckpoint checkpoint = new PositionCheckpoint(file, Position.emptyPosition(), clock::get);

    checkpoint.maybeSave(at(1), false);
    assertEquals(at(1), file.read(), "the first change is saved at once");

    clock.addAndGet(PositionCheckpoint.MIN_INTERVAL_MS - 1);
    checkpoint.maybeSave(at(2), false);
    assertEquals(at(1), file.read(), "too soon: skipped, the file stays behind the data");

    checkpoint.maybeSave(at(3), true);
    assertEquals(at(3), file.read(), "forced (close): saved");

    clock.addAndGet(PositionCheckpoint.MIN_INTERVAL_MS);
    checkpoint.maybeSave(at(4), false);
    assertEquals(at(4), file.read(), "an interval later: saved");
  }
}
