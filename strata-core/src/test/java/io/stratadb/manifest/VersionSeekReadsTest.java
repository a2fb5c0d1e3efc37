package io.stratadb.manifest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.compaction.TableSink;
import io.stratadb.env.ForwardingFileSystem;
import io.stratadb.env.ForwardingReadableFile;
import io.stratadb.env.ReadableFile;
import io.stratadb.iterator.InternalIterator;
import io.stratadb.key.InternalKey;
import io.stratadb.sstable.TableCache;
import io.stratadb.sstable.TableReadOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which levels' seeks read the block after theirs in the same read: only the deepest level's,
 * where a merged seek's steps move on (tables read with {@code pread}, no block cache).
 */
class VersionSeekReadsTest {
  private static final int BLOCK_BYTES = 512;

  @TempDir Path dir;
  private final AtomicLong numbers = new AtomicLong(1);

  /** Each table's reads, by file name, as their lengths in bytes. */
  private final Map<String, List<Integer>> reads = new ConcurrentHashMap<>();

  private final ForwardingFileSystem fs = new ForwardingFileSystem() {
    @Override
    public ReadableFile openReadable(Path path) throws IOException {
      List<Integer> lengths = reads.computeIfAbsent(path.getFileName().toString(), k -> new ArrayList<>());
      return new ForwardingReadableFile(delegate.openReadable(path)) {
        @Override
        public int read(long position, byte[] dst, int off, int len) throws IOException {
          lengths.add(len);
          return delegate.read(position, dst, off, len);
        }
      };
    }
  };

  /** A table of keys "k00000".."k01999" (every one, with a 40-byte value) at {@code sequence}. */
  private FileMetadata table(long sequence) throws IOException {
    TableSink sink = new TableSink(fs, dir, new TableSink.TableSettings(BLOCK_BYTES, 16, 10), numbers::getAndIncrement,
        Long.MAX_VALUE);
    for (int i = 0; i < 2000; i++) {
      sink.add(InternalKey.encode(String.format("k%05d", i).getBytes(UTF_8), sequence, io.stratadb.key.ValueType.PUT),
          new byte[40]);
    }
    return sink.finish().get(0);
  }

  @Test
  void onlyTheDeepestLevelsSeekReadsTheNextBlockWithItsOwn() throws IOException {
    FileMetadata l0 = table(30);
    FileMetadata l3 = table(20);
    FileMetadata l6 = table(10);
    List<List<FileMetadata>> levels = new ArrayList<>();
    for (int level = 0; level < Version.NUM_LEVELS; level++) {
      levels.add(level == 0 ? List.of(l0) : level == 3 ? List.of(l3) : level == 6 ? List.of(l6) : List.of());
    }
    Version version = Version.detached(levels);
    try (TableCache tables = new TableCache(fs, n -> FileNames.table(dir, n), 10, null, null, () -> false,
        TableReadOptions.DEFAULTS)) {
      List<InternalIterator> opening = version.iterators(tables); // opens the tables: footer, index, filter
      opening.forEach(InternalIterator::seekToFirst);
      opening.forEach(InternalIterator::close);
      reads.values().forEach(List::clear);
      List<InternalIterator> sources = version.iterators(tables);
      assertEquals(3, sources.size());
      byte[] target = InternalKey.forSeek("k01000".getBytes(UTF_8), InternalKey.MAX_SEQUENCE);
      for (InternalIterator it : sources) {
        it.seek(target);
        assertTrue(it.isValid());
      }
      sources.forEach(InternalIterator::close);
      int upper0 = single(FileNames.table(dir, l0.number()));
      int upper3 = single(FileNames.table(dir, l3.number()));
      int bottom = single(FileNames.table(dir, l6.number()));
      assertTrue(upper0 < 2 * BLOCK_BYTES && upper3 < 2 * BLOCK_BYTES, "L0 and L3 read one block: " + upper0 + ", " + upper3);
      assertTrue(bottom > 2 * BLOCK_BYTES - 100, "L6 reads its block and the next: " + bottom);
    }
  }

  /** The length of the one read of {@code path} since the lists of {@link #reads} were cleared. */
  private int single(Path path) {
    List<Integer> lengths = reads.getOrDefault(path.getFileName().toString(), List.of());
    assertEquals(1, lengths.size(), path + ": " + lengths);
    return lengths.get(0);
  }
}
