package io.stratadb.cluster.nemesis;

import java.util.List;
import java.util.Random;

/**
 * Faults at random, one at a time, each held 1 to 6 s then undone, with 1 to 3 s between: kill -9
 * a node (the leader half the time) and restart it, SIGTERM and restart one, SIGSTOP one and
 * SIGCONT it, isolate one, cut or blackhole the link between two, delay a link by 50 to 300 ms.
 *
 * <p>Thread safety: the nemesis thread only.
 */
final class RandomNemesis {
  private final NemesisRun run;
  private final Random random;

  RandomNemesis(NemesisRun run, long seed) {
    this.run = run;
    this.random = new Random(seed);
  }

  /** Injects faults for {@code millis} ms. */
  void runFor(long millis) throws InterruptedException {
    long end = System.nanoTime() + millis * 1_000_000;
    Cluster cluster = run.cluster();
    List<String> names = cluster.names();
    while (System.nanoTime() < end) {
      String node = random.nextBoolean() ? run.leader() : names.get(random.nextInt(names.size()));
      String other = names.get((names.indexOf(node) + 1 + random.nextInt(names.size() - 1)) % names.size());
      long hold = 1_000 + random.nextInt(5_000);
      NodeProcess p = cluster.node(node);
      switch (random.nextInt(7)) {
        case 0 -> run.killFor(node, hold);
        case 1 -> {
          run.log("SIGTERM " + node);
          p.terminate();
          p.start();
        }
        case 2 -> run.pauseFor(node, hold);
        case 3 -> {
          run.log("isolate " + node + " for " + hold + " ms");
          cluster.network().isolate(node);
          run.sleep(hold);
        }
        case 4 -> {
          run.log("cut " + node + "-" + other + " for " + hold + " ms");
          cluster.network().cut(node, other);
          run.sleep(hold);
        }
        case 5 -> {
          run.log("blackhole " + node + "-" + other + " for " + hold + " ms");
          cluster.network().blackhole(node, other);
          run.sleep(hold);
        }
        default -> {
          long delay = 50 + random.nextInt(250);
          run.log("delay " + node + "-" + other + " by " + delay + " ms for " + hold + " ms");
          cluster.network().delay(node, other, delay);
          run.sleep(hold);
        }
      }
      cluster.network().heal();
      run.log("undone");
      run.sleep(1_000 + random.nextInt(2_000));
    }
  }
}
