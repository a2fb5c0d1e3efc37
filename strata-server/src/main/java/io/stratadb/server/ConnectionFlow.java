package io.stratadb.server;

import io.netty.channel.Channel;
import java.util.concurrent.RejectedExecutionException;

/**
 * Flow control of one connection: whether it may run commands and read now, and its share of the
 * {@link ClientMemoryBudget}. Running and reading pause separately:
 *
 * <ul>
 *   <li>Running stops for {@link #UNWRITABLE}: a reply took the unsent replies past the channel's
 *       write-buffer high-water mark ({@code ChannelOption.WRITE_BUFFER_WATER_MARK});
 *       {@link ConnectionHandler} then holds the commands already decoded, and runs them when the
 *       replies drain below the low-water mark. Reading goes on meanwhile, so a client that
 *       writes a whole pipeline before it reads a reply (as redis-py's and Jedis's pipelines do)
 *       is not deadlocked against a server that waits for it to read.
 *   <li>Reading stops (Netty's {@code autoRead} off, and {@link FlowHandler} holds back {@code
 *       read()} calls) for {@link #QUERY_BUFFER_FULL}: the held commands passed {@link
 *       ServerConfig#maxRequestBytes()} (Redis's {@code client-query-buffer-limit}, which bounds
 *       Redis's buffer of pipelined input too); it resumes when running brings them under it.
 *   <li>Reading also stops for {@link #OVER_BUDGET}: the budget is exhausted and this connection
 *       holds more than its allowance of requests (a large upload, or many held commands). It
 *       resumes when releases bring the budget back under its limit. Connections within the
 *       allowance read on, so small commands keep being served while large ones wait.
 * </ul>
 *
 * <p>Replies count in the budget, so queued replies make large requests wait sooner, but they do
 * not pause a connection by themselves: a connection's unsent replies are already bounded by the
 * high-water mark plus one reply ({@link ServerConfig#maxReplyBytes()}).
 *
 * <p>Bytes held: {@link #received} counts request bytes as they arrive (partial requests
 * included), {@link #ran} lets them go once the command has run, {@link #queued} and {@link #sent}
 * count reply bytes between the write and the socket; {@link #close} lets go of everything left.
 *
 * <p>Confined to the connection's event loop, so not thread-safe; the budget's wake-up hops back
 * onto that loop.
 */
final class ConnectionFlow {

  /** Running paused: the unsent replies are over the high-water mark. */
  static final int UNWRITABLE = 1;
  /** Reading paused: the client memory budget is exhausted. */
  static final int OVER_BUDGET = 2;
  /** Reading paused: the commands held are over the query buffer limit. */
  static final int QUERY_BUFFER_FULL = 4;

  private static final int READING_REASONS = OVER_BUDGET | QUERY_BUFFER_FULL;

  private final Channel channel;
  private final ClientMemoryBudget budget;
  private final long allowance;
  private Runnable onRunnable = () -> {};
  private int pausedFor;
  private boolean waitingForBudget;
  private boolean closed;
  private long inbound;

  /**
   * @param allowance bytes of requests the connection may hold before an exhausted budget pauses
   *     its reading, so that small commands keep running when large ones wait
   */
  ConnectionFlow(Channel channel, ClientMemoryBudget budget, long allowance) {
    this.channel = channel;
    this.budget = budget;
    this.allowance = allowance;
  }

  /** Sets what runs when running may go on again: the handler runs the commands it holds. */
  void onRunnable(Runnable hook) {
    this.onRunnable = hook;
  }

  /** Whether commands may run now. */
  boolean running() {
    return (pausedFor & UNWRITABLE) == 0;
  }

  /** Whether the connection may be read now. */
  boolean reading() {
    return !closed && (pausedFor & READING_REASONS) == 0;
  }

  /** Pauses running or reading for {@code reason}, one of {@link #UNWRITABLE}, {@link #OVER_BUDGET}, {@link #QUERY_BUFFER_FULL}. */
  void pause(int reason) {
    if (closed) {
      return;
    }
    pausedFor |= reason;
    if ((reason & READING_REASONS) != 0) {
      channel.config().setAutoRead(false);
    }
    if (reason == OVER_BUDGET && !waitingForBudget) {
      waitingForBudget = true;
      budget.whenAvailable(this::wakeOnEventLoop);
    }
  }

  /** Lifts {@code reason}: runs the held commands if running may go on, then reads again if reading may. */
  void resume(int reason) {
    if (closed || (pausedFor & reason) == 0) {
      return;
    }
    boolean wasRunning = running();
    pausedFor &= ~reason;
    if (!wasRunning && running()) {
      onRunnable.run();
    }
    if ((reason & READING_REASONS) != 0 && reading()) {
      channel.config().setAutoRead(true);
    }
  }

  /** Called on any thread by the budget: hands the wake-up to this connection's event loop. */
  private void wakeOnEventLoop() {
    try {
      channel.eventLoop().execute(this::budgetAvailable);
    } catch (RejectedExecutionException shuttingDown) {
      // The event loop has stopped: the connection is closed, nothing to wake.
    }
  }

  private void budgetAvailable() {
    waitingForBudget = false;
    resume(OVER_BUDGET);
  }

  /**
   * Counts {@code bytes} of a request as held; pauses reading if the budget is exhausted and the
   * connection now holds more than its allowance.
   */
  void received(long bytes) {
    if (closed) {
      return;
    }
    inbound += bytes;
    budget.reserve(bytes);
    if (inbound > allowance && budget.exhausted()) {
      pause(OVER_BUDGET);
    }
  }

  /** Lets go of {@code bytes} of requests: their command has run. */
  void ran(long bytes) {
    long n = Math.min(bytes, inbound);
    inbound -= n;
    budget.release(n);
  }

  /** Counts {@code bytes} of replies written to the channel and not yet sent. */
  void queued(long bytes) {
    budget.reserve(bytes);
  }

  /** Lets go of {@code bytes} of replies: sent, or dropped with the connection. */
  void sent(long bytes) {
    budget.release(bytes);
  }

  /**
   * Counts {@code bytes} more (or, negative, fewer) held by the connection's {@link PipelineBatch}:
   * its copies of the keys and values of commands run but not yet committed. Thread-safe (the
   * budget is), as a cluster node's batch runs on a worker.
   */
  void batchHolds(long bytes) {
    if (bytes >= 0) {
      budget.reserve(bytes);
    } else {
      budget.release(-bytes);
    }
  }

  /** After a command's reply is written: pauses running if it took the unsent replies over the high-water mark. */
  void afterReply() {
    if (!channel.isWritable()) {
      pause(UNWRITABLE);
    }
  }

  /**
   * The connection is closing: lets go of its requests and reads again whatever the budget or the
   * query buffer held back, so that the client's unread bytes are drained (and dropped by the
   * decoder) rather than left in the socket, whose close would then reset the connection.
   */
  void drain() {
    ran(inbound);
    pausedFor &= ~READING_REASONS;
    channel.config().setAutoRead(true);
  }

  /** The connection closed: lets go of its requests (replies are let go as their writes fail). */
  void close() {
    closed = true;
    ran(inbound);
  }
}
