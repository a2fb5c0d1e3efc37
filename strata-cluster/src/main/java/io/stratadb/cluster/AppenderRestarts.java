package io.stratadb.cluster;

import java.io.IOException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.leader.LogAppender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restarts a leader's log appender that stopped while its leader still leads: a workaround for
 * RATIS-2499 in Ratis 3.2.2 (fixed upstream after that release). An appender whose loop throws
 * ends, and 3.2.2 never starts another (its restart checks that the dead appender is running):
 * the follower it served gets no entry, heartbeat or snapshot from that leader again, and stays
 * behind until the leader changes. Seen here as {@code RaftLogIOException: Log entry not found}:
 * an INCONSISTENCY reply moved the follower's next index into the purged part of the log between
 * the appender's snapshot check and its read of the entries (a follower restarted behind the
 * purged log; {@code SnapshotNemesisTest}, about one run in ten).
 *
 * <p>Every {@value #PERIOD_MS} ms, on the leader, an appender that is not running although the
 * division is alive and leads is handed to Ratis' own {@code LeaderState.restart}, which replaces
 * it with a new one for the same follower. Ratis keeps no public way to list a leader's
 * appenders, so they are reached by reflection ({@code RaftServerImpl.getRole().getLeaderState()
 * .getLogAppenders()}); if that fails (another Ratis version) the check logs once and does
 * nothing. Remove this class when Ratis is upgraded past the fix.
 *
 * <p>Thread-safe: one timer thread does the checks.
 */
final class AppenderRestarts implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AppenderRestarts.class);
  /** How often the leader's appenders are checked, in ms. */
  static final long PERIOD_MS = 1000;

  private final ClusterNode node;
  private final ScheduledExecutorService timer;
  private volatile boolean reflectionFailed;
  /** Appenders restarted so far; for tests and logs. */
  final AtomicLong restarts = new AtomicLong();

  /** Starts checking {@code node}'s appenders. */
  AppenderRestarts(ClusterNode node) {
    this.node = node;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "strata-cluster-appenders-" + node.config().nodeId());
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(this::check, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
  }

  /** One check: restarts each stopped appender of a live leader. */
  void check() {
    if (reflectionFailed) {
      return;
    }
    try {
      RaftServer.Division d = node.division();
      if (!d.getInfo().isLeader() || !d.getInfo().isAlive()) {
        return;
      }
      for (LogAppender a : appenders(d)) {
        if (!a.isRunning() && d.getInfo().isLeader() && d.getInfo().isAlive()) {
          LOG.warn("{}: the log appender for {} stopped while this node leads (RATIS-2499); restarting it",
              node.config().nodeId(), a.getFollowerId());
          a.getLeaderState().restart(a);
          restarts.incrementAndGet();
        }
      }
    } catch (IOException noDivision) {
      // not a member yet (--join) or closing: nothing to check
    } catch (ReflectiveOperationException | ClassCastException e) {
      reflectionFailed = true;
      LOG.warn("cannot list the leader's log appenders in this Ratis version; stalled appenders are not restarted", e);
    } catch (RuntimeException e) {
      LOG.debug("appender check failed", e);
    }
  }

  /**
   * The log appenders of {@code division} if it leads, else none, reached by reflection.
   *
   * @throws ReflectiveOperationException if Ratis' internals differ from 3.2.2's
   */
  static List<LogAppender> appenders(RaftServer.Division division) throws ReflectiveOperationException {
    Object role = invoke(division, "getRole");
    Optional<?> leaderState = (Optional<?>) invoke(role, "getLeaderState");
    if (leaderState.isEmpty()) {
      return List.of();
    }
    try (Stream<?> s = (Stream<?>) invoke(leaderState.get(), "getLogAppenders")) {
      return s.map(LogAppender.class::cast).toList();
    }
  }

  private static Object invoke(Object target, String method) throws ReflectiveOperationException {
    Method m = target.getClass().getDeclaredMethod(method);
    m.setAccessible(true);
    return m.invoke(target);
  }

  /** Stops the checks. Idempotent. */
  @Override
  public void close() {
    timer.shutdownNow();
  }
}
