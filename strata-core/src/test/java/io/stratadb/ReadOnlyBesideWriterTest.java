package io.stratadb;

import static io.stratadb.TestKeys.b;
import static io.stratadb.TestKeys.s;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.stratadb.env.ForwardingFileSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Found in review: Db.openReadOnly "works beside a process that has the database open" (and the CLI's get,
 * scan and stats now rely on it), but a flush of the writer between the reader's manifest replay and
 * its directory listing (VersionSet.checkFilesExist) deletes the WAL the replayed log number names,
 * and the reader reports corruption ("the manifest lost its newest edits") for a healthy database.
 * The hook below runs that flush at the first listing, where the race would put it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadOnlyBesideWriterTest {
  @TempDir Path dir;

  @Test
  void aReadOnlyOpenBesideAFlushingWriterReportsNoCorruption() throws Exception {
    try (Db writer = Db.open(dir, Options.defaults())) {
      writer.put(b("a"), b("1"));
      AtomicBoolean fired = new AtomicBoolean();
      ForwardingFileSystem racing = new ForwardingFileSystem() {
        @Override
        public List<String> listFileNames(Path d) throws IOException {
          if (fired.compareAndSet(false, true)) {
            writer.put(b("b"), b("2"));
            writer.flush(); // the writer moves on to a new WAL and deletes the old one
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (oldWalCount() > 1 && System.nanoTime() < deadline) {
              try {
                Thread.sleep(10);
              } catch (InterruptedException e) {
                throw new IOException(e);
              }
            }
          }
          return super.listFileNames(d);
        }
      };
      try (Db reader = Db.openReadOnly(dir, Options.defaults().toBuilder().fileSystem(racing).build())) {
        assertEquals("1", s(reader.get(b("a"))));
      }
    }
  }

  private long oldWalCount() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".log")).count();
    }
  }
}
