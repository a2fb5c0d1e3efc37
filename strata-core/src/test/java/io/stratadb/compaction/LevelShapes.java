package io.stratadb.compaction;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.stratadb.key.InternalKey;
import io.stratadb.key.ValueType;
import io.stratadb.manifest.FileMetadata;
import io.stratadb.manifest.Version;
import java.util.ArrayList;
import java.util.List;

/** TEST ONLY: builds level states out of tables described by number, size and key range. */
final class LevelShapes {
  private final List<List<FileMetadata>> levels = new ArrayList<>();

  LevelShapes() {
    for (int i = 0; i < Version.NUM_LEVELS; i++) {
      levels.add(new ArrayList<>());
    }
  }

  static FileMetadata table(long number, long bytes, String smallest, String largest) {
    return new FileMetadata(number, bytes, InternalKey.encode(smallest.getBytes(UTF_8), number * 10, ValueType.PUT),
        InternalKey.encode(largest.getBytes(UTF_8), number * 10 + 1, ValueType.PUT));
  }

  LevelShapes add(int level, long number, long bytes, String smallest, String largest) {
    levels.get(level).add(table(number, bytes, smallest, largest));
    return this;
  }

  Version version() {
    return Version.detached(levels);
  }

  static final long MB = 1L << 20;
}
