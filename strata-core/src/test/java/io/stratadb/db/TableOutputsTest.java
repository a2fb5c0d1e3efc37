package io.stratadb.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.Options;
import io.stratadb.env.ForwardingFileSystem;
import io.stratadb.manifest.VersionEdit;
import io.stratadb.memtable.Memtable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link TableOutputs#writeLevel0Table}: the directory is durable when it returns. */
class TableOutputsTest {
  @TempDir Path dir;

  @Test
  void aFlushThatWritesNoTableStillFsyncsTheDirectoryForTheWalItsEditNames() throws IOException {
    AtomicInteger directorySyncs = new AtomicInteger();
    ForwardingFileSystem fs = new ForwardingFileSystem() {
      @Override
      public void syncDirectory(Path d) throws IOException {
        directorySyncs.incrementAndGet();
        super.syncDirectory(d);
      }
    };
    // An empty memtable allocates no table number, so no version set is needed.
    TableOutputs outputs = new TableOutputs(fs, dir, Options.defaults(), null);
    VersionEdit edit = new VersionEdit();
    outputs.writeLevel0Table(new Memtable(7), edit);
    assertTrue(edit.newFiles().isEmpty());
    assertEquals(1, directorySyncs.get());
  }
}
