package io.stratadb.cluster.nemesis;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.cluster.SmallSnapshotsNodeMain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshot catch-up across processes ({@link SmallSnapshotsNodeMain}: a snapshot every 50
 * entries, the log purged behind it): a follower killed while the others write past its log
 * catches up by installing the leader's snapshot, also after being killed (SIGKILL) in the
 * middle of that install (slow: opt-in); then {@link NemesisRun}'s checks.
 */
@Timeout(600) // seconds
class SnapshotNemesisTest {
  @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir;

  @Test
  void aFollowerDownPastThePurgedLogCatchesUpBySnapshot() throws Exception {
    NemesisRun.run(dir, SmallSnapshotsNodeMain.class.getName(), 3, 7, run -> {
      String follower = killFollowerAndWritePastItsLog(run);
      run.log("restart " + follower);
      run.cluster().node(follower).start();
      awaitInstalled(run, follower);
    });
  }

  @Test
  @Tag("slow") // 30-40 s more for the default build; the install path itself runs in the test above
  void aFollowerKilledDuringTheSnapshotInstallRestartsAndCatchesUp() throws Exception {
    NemesisRun.run(dir, SmallSnapshotsNodeMain.class.getName(), 3, 8, run -> {
      String follower = killFollowerAndWritePastItsLog(run);
      String leader = run.leader();
      // Slow the snapshot's chunks down so the install is still running when the poll sees it.
      run.cluster().network().delay(leader, follower, 300);
      run.log("restart " + follower + " with its link to " + leader + " delayed 300 ms");
      NodeProcess node = run.cluster().node(follower);
      node.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      String stage;
      while ((stage = installStage(run.cluster().dbDir(follower))) == null) {
        assertTrue(System.nanoTime() < deadline, "no snapshot install seen on " + follower + " within 60 s");
        Thread.sleep(2);
      }
      node.kill();
      run.log("kill -9 " + follower + " while installing: " + stage);
      run.cluster().network().heal();
      run.log("restart " + follower);
      node.start();
      awaitInstalled(run, follower);
    });
  }

  /** Kills a follower, then writes until the leader's snapshot is well past the follower's position. */
  private static String killFollowerAndWritePastItsLog(NemesisRun run) throws InterruptedException {
    String follower = run.follower();
    long applied = run.infoNumber(follower, "raft_applied_index");
    run.log("kill -9 follower " + follower + " at applied index " + applied);
    run.cluster().node(follower).kill();
    String leader = run.leader();
    long target = applied + 4 * SmallSnapshotsNodeMain.SNAPSHOT_EVERY;
    run.fillUntil(leader, 5_000, () -> run.infoNumber(leader, "raft_snapshot_index") > target);
    run.log("leader " + leader + " snapshot at " + run.infoNumber(leader, "raft_snapshot_index"));
    return follower;
  }

  /** Waits until node {@code name}'s log says it installed a snapshot. */
  private static void awaitInstalled(NemesisRun run, String name) throws InterruptedException {
    NodeProcess node = run.cluster().node(name);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (!node.tail(100_000).contains("installed the snapshot")) {
      assertTrue(System.nanoTime() < deadline, name + " installed no snapshot within 90 s");
      Thread.sleep(200);
    }
    run.log(name + " installed a snapshot");
  }

  /**
   * Which stage of a snapshot install is under way in node directory {@code dir}, or null if
   * none: the state machine's staging copy ({@code db.installing}) exists, or Ratis' download
   * directory ({@code raft/<group>/tmp}) holds files.
   */
  private static String installStage(Path dir) {
    if (Files.exists(dir.resolve("db.installing"))) {
      return "db.installing exists";
    }
    try (Stream<Path> files = Files.walk(dir.resolve("raft"))) {
      return files.anyMatch(p -> p.toString().contains("/tmp/") && Files.isRegularFile(p)) ? "chunks in raft tmp" : null;
    } catch (IOException | UncheckedIOException e) {
      return null; // a directory vanished under the walk: look again
    }
  }
}
