package io.stratadb;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.env.ForwardingFileSystem;
import io.stratadb.env.WritableFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Found in review: obsolete files are now deleted only by the flush thread, and only when no immutable
 * memtable waits (BackgroundWork.flushLoop checks immutables first). While writers keep at least
 * one immutable memtable queued (ingest faster than flush), compaction inputs are never deleted:
 * the directory grows without bound until the load stops. Before the split, each compaction
 * deleted its inputs itself.
 */
class ObsoleteFilesUnderLoadTest {
  @TempDir Path dir;

  /** Table syncs take 20 ms, so a flush is slower than filling a memtable. */
  private static final class SlowTableSyncs extends ForwardingFileSystem {
    @Override
    public WritableFile newWritableFile(Path path) throws IOException {
      WritableFile file = super.newWritableFile(path);
      if (!path.getFileName().toString().endsWith(".sst")) {
        return file;
      }
      return new WritableFile() {
        @Override public void append(byte[] data, int off, int len) throws IOException {
          file.append(data, off, len);
        }
        @Override public void flush() throws IOException {
          file.flush();
        }
        @Override public void sync() throws IOException {
          try {
            Thread.sleep(20);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          file.sync();
        }
        @Override public long size() {
          return file.size();
        }
        @Override public void close() throws IOException {
          file.close();
        }
      };
    }
  }

  private long tableFiles() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".sst")).count();
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void compactionInputsAreDeletedWhileWritesContinue() throws Exception {
    Options options = Options.builder().writeBufferSize(64 << 10).blockSize(512).targetFileSize(64 << 10)
        .maxImmutableMemtables(4).fileSystem(new SlowTableSyncs()).seekCompaction(false).build();
    AtomicBoolean stop = new AtomicBoolean();
    long peakFiles = 0;
    long liveAtPeak = 0;
    try (Db db = Db.open(dir, options)) {
      List<Thread> writers = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        int id = t;
        Thread w = new Thread(() -> {
          byte[] value = new byte[200];
          for (long i = 0; !stop.get(); i++) {
            db.put(String.format("w%d-%012d", id, i % 20_000).getBytes(StandardCharsets.UTF_8), value);
          }
        });
        w.start();
        writers.add(w);
      }
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
      while (System.nanoTime() < end) {
        Thread.sleep(200);
        long files = tableFiles();
        if (files > peakFiles) {
          peakFiles = files;
          DbStats stats = db.stats();
          liveAtPeak = stats.levels().stream().mapToLong(l -> l.files()).sum();
        }
      }
      stop.set(true);
      for (Thread w : writers) {
        w.join();
      }
      System.err.println("peak .sst files=" + peakFiles + " live at peak=" + liveAtPeak
          + " compactions=" + db.stats().compactionCount());
    }
    assertTrue(peakFiles <= liveAtPeak + 20,
        "obsolete tables piled up under load: " + peakFiles + " .sst files, " + liveAtPeak + " live");
  }
}
