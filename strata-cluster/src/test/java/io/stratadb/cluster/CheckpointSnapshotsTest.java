package io.stratadb.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.statemachine.impl.FileListSnapshotInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CheckpointSnapshots}' bookkeeping when Ratis replaces the {@code sm} directory under it. */
class CheckpointSnapshotsTest {

  @TempDir Path dir;

  private static void snapshot(Path sm, long term, long index) throws Exception {
    Path s = Files.createDirectories(sm.resolve("snapshot." + term + "_" + index));
    Files.writeString(s.resolve("CURRENT"), "MANIFEST-000001\n");
    Files.writeString(s.resolve("CURRENT" + CheckpointSnapshots.MD5_SUFFIX), "digest");
  }

  @Test
  void aSnapshotDirectoryReplacedUnderItIsFoundAgainNotThrown() throws Exception {
    Path sm = dir.resolve("sm");
    CheckpointSnapshots snapshots = new CheckpointSnapshots();
    snapshots.init(sm);
    assertNull(snapshots.getLatestSnapshot());
    snapshot(sm, 1, 451);
    snapshots.added(TermIndex.valueOf(1, 451));
    assertEquals(451, snapshots.getLatestSnapshot().getIndex());

    // What Ratis does on a follower installing a snapshot: its received copy is renamed over the
    // whole sm directory, and the log is purged (calling getLatestSnapshot) before reinitialize.
    Path received = dir.resolve("tmp-received");
    snapshot(received, 2, 551);
    CheckpointSnapshots.deleteTree(sm);
    Files.move(received, sm);
    // Before the fix: UncheckedIOException(NoSuchFileException sm/snapshot.1_451), and Ratis stopped the server.
    FileListSnapshotInfo info = snapshots.getLatestSnapshot();
    assertNotNull(info);
    assertEquals(TermIndex.valueOf(2, 551), info.getTermIndex());
    assertEquals(1, info.getFiles().size(), "the .md5 file is not part of the snapshot");
    assertEquals(551, snapshots.latest().termIndex().getIndex());

    CheckpointSnapshots.deleteTree(sm); // nothing there at all: no snapshot, no exception
    assertNull(snapshots.getLatestSnapshot());
  }
}
