package io.stratadb.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.stratadb.CompactionStrategy;
import io.stratadb.Db;
import io.stratadb.Options;
import io.stratadb.env.LocalFileSystem;
import io.stratadb.env.ReadableFile;
import io.stratadb.manifest.VersionEdit;
import io.stratadb.manifest.VersionSet;
import io.stratadb.record.LogReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Found in review: no hook, just load: four writers, five compaction threads. Each edit's last sequence is
 * read under the DB mutex before DbImpl.logAndApply queues for the manifest lock, so edits can
 * reach the manifest out of order and the recorded last sequence goes backwards (about once per
 * 20 s run on 2 cores; 0 times on dd5dd38, where the manifest was written under the mutex). Runs 8 s
 * here; -Dstrata.test.manifestStressSeconds=20 for the review's length.
 */
class ManifestSequenceStressTest {
  @TempDir Path dir;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void theManifestsLastSequenceNeverGoesBackwards() throws Exception {
    Options options = Options.builder().writeBufferSize(64 << 10).blockSize(512).targetFileSize(64 << 10)
        .compactionStrategy(new CompactionStrategy.Leveled(2, 1L << 20, 2, false))
        .maxBackgroundJobs(6).maxImmutableMemtables(8).seekCompaction(false).maxManifestFileSize(1L << 30).build();
    AtomicBoolean stop = new AtomicBoolean();
    try (Db db = Db.open(dir, options)) {
      List<Thread> writers = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int id = t;
        Thread w = new Thread(() -> {
          byte[] value = new byte[100];
          for (long i = 0; !stop.get(); i++) {
            db.put(String.format("w%d-%08d", id, (i * 7919) % 50_000).getBytes(StandardCharsets.UTF_8), value);
          }
        });
        w.start();
        writers.add(w);
      }
      Thread.sleep(TimeUnit.SECONDS.toMillis(Long.getLong("strata.test.manifestStressSeconds", 8)));
      stop.set(true);
      for (Thread w : writers) {
        w.join();
      }
    }
    String manifest = VersionSet.readCurrent(LocalFileSystem.INSTANCE, dir);
    // Close writes no manifest, so the current one holds every edit of the run.
    int edits = 0;
    int regressions = 0;
    long last = -1;
    try (ReadableFile file = LocalFileSystem.INSTANCE.openReadable(dir.resolve(manifest));
        LogReader reader = new LogReader(file, manifest)) {
      byte[] record;
      while ((record = reader.readRecord()) != null) {
        VersionEdit edit = VersionEdit.decode(record, manifest, reader.lastRecordOffset());
        edits++;
        if (edit.lastSequence() != null) {
          if (edit.lastSequence() < last) {
            regressions++;
            System.err.println("regression at edit " + edits + ": " + last + " -> " + edit.lastSequence());
          }
          last = Math.max(last, edit.lastSequence());
        }
      }
    }
    System.err.println("edits=" + edits + " regressions=" + regressions);
    assertEquals(0, regressions, "the manifest's last sequence went backwards " + regressions + " times in " + edits + " edits");
  }
}
