package io.stratadb.cluster.nemesis;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three strata-cluster nodes in separate JVMs on loopback, clients in parallel, and a nemesis:
 * kill -9 the leader or a follower, pause a node (SIGSTOP) past its election timeout, restart every
 * node in turn (SIGTERM), and cut the leader off from the others; then {@link NemesisRun}'s checks
 * (linearizable histories, nothing acknowledged lost, equal replicas). The short versions run in
 * the default build; the long ones are tagged slow ({@code mvn -Pslow-tests}). A failed test keeps
 * its directory (the nodes' logs and databases) and prints its path.
 */
@Timeout(600) // seconds
class ClusterNemesisTest {
  private static final int CLIENTS = 3;

  @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir;

  @Test
  void killTheLeader() throws Exception {
    NemesisRun.run(dir, CLIENTS, 1, run -> {
      for (int round = 0; round < 2; round++) {
        killAndRestartTheLeader(run, 3_000);
        run.sleep(3_000);
      }
    });
  }

  /**
   * The first leader killed as soon as it says it leads, its links slowed (400 ms each way) so
   * that its first entry (its term's configuration) cannot have reached the others: restarted, it
   * holds an index-0 entry the new leader's log has with another term, and must give it up.
   */
  @Test
  @Tag("slow") // seen once, in killTheLeader before its warm-up: a restarted first leader never caught up
  void killTheFirstLeaderBeforeItsFirstEntryReplicates() throws Exception {
    NemesisRun.runFromTheFirstElection(dir, CLIENTS, 9, run -> {
      for (String a : run.cluster().names()) {
        for (String b : run.cluster().names()) {
          if (a.compareTo(b) < 0) {
            run.cluster().network().delay(a, b, 400);
          }
        }
      }
    }, run -> {
      String first = ClusterProbe.leaders(run.cluster()).get(0);
      run.killLeader(first);
      run.cluster().network().heal();
      run.log("links healed");
      String next = run.awaitLeaderAmong(others(run, first));
      run.log("new leader " + next);
      run.cluster().node(first).start();
      run.log("restarted " + first);
      run.sleep(3_000);
    });
  }

  @Test
  void killAFollowerThenRestartEveryNodeInTurn() throws Exception {
    NemesisRun.run(dir, CLIENTS, 2, run -> {
      run.killFor(run.follower(), 4_000);
      run.sleep(2_000);
      for (String n : run.cluster().names()) {
        run.log("SIGTERM " + n);
        int status = run.cluster().node(n).terminate();
        run.log(n + " exited with " + status + "; restart");
        run.cluster().node(n).start();
        run.sleep(1_000);
      }
    });
  }

  @Test
  void pauseTheLeaderPastItsElectionTimeout() throws Exception {
    NemesisRun.run(dir, CLIENTS, 3, run -> {
      String leader = run.leader();
      run.log("SIGSTOP leader " + leader);
      run.cluster().node(leader).pause();
      String next = run.awaitLeaderAmong(others(run, leader));
      run.log("new leader " + next);
      run.sleep(2_000);
      run.log("SIGCONT " + leader);
      run.cluster().node(leader).resume();
      run.sleep(3_000);
      run.pauseFor(run.follower(), 4_000);
      run.sleep(2_000);
    });
  }

  @Test
  void partitionTheLeaderAway() throws Exception {
    NemesisRun.run(dir, CLIENTS, 5, run -> {
      for (int round = 0; round < 2; round++) {
        String leader = run.leader();
        run.log("isolate leader " + leader);
        run.cluster().network().isolate(leader);
        String next = run.awaitLeaderAmong(others(run, leader));
        assertNotEquals(leader, next);
        run.log("majority elected " + next);
        run.sleep(3_000);
        run.log("heal");
        run.cluster().network().heal();
        run.sleep(3_000);
      }
    });
  }

  /**
   * The checks can fail: with stale reads (served from the local database, no read index) a node
   * cut off from the others answers reads with the values it had, which the register checker
   * reports. The test thread writes through the majority's leader and reads the cut-off node.
   */
  @Test
  void staleReadsFromAPartitionedNodeAreReported() throws Exception {
    List<String> violations = NemesisRun.runWithStaleReads(dir, CLIENTS, 6, run -> {
      String leader = run.leader();
      String follower = run.follower();
      run.log("isolate follower " + follower);
      run.cluster().network().isolate(follower);
      int staleCandidates = 0; // acknowledged SETs followed by an answered GET
      for (int i = 0; i < 10 && staleCandidates < 2; i++) {
        if (run.recordedSet(leader, 0) && run.recordedGet(follower, 0)) {
          staleCandidates++;
        }
      }
      run.log(staleCandidates + " SETs on " + leader + " followed by an answered GET on " + follower);
    });
    assertFalse(violations.isEmpty(), "no stale read seen");
  }

  /** The long run: 100 leader kills under clients, with the time to the next leader. */
  @Test
  @Tag("slow")
  @Timeout(7200)
  void killTheLeaderAHundredTimes() throws Exception {
    NemesisRun.run(dir, CLIENTS, 100, run -> {
      for (int round = 0; round < 100; round++) {
        killAndRestartTheLeader(run, 1_000);
        run.sleep(2_000);
      }
    });
  }

  /** Every fault at random for 10 minutes. */
  @Test
  @Tag("slow")
  @Timeout(3600)
  void randomFaultsForTenMinutes() throws Exception {
    NemesisRun.run(dir, CLIENTS, 200, run -> new RandomNemesis(run, 200).runFor(10 * 60_000));
  }

  static void killAndRestartTheLeader(NemesisRun run, long downMillis) throws InterruptedException {
    String leader = run.leader();
    run.killLeader(leader);
    String next = run.awaitLeaderAmong(others(run, leader));
    run.log("new leader " + next);
    run.sleep(downMillis);
    run.log("restart " + leader);
    run.cluster().node(leader).start();
  }

  static List<String> others(NemesisRun run, String node) {
    return run.cluster().names().stream().filter(n -> !n.equals(node)).toList();
  }
}
