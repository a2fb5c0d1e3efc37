package io.stratadb.server;

import io.netty.channel.Channel;
import java.util.concurrent.RejectedExecutionException;

/**
 * Flow control of one connection: whether it may read and run commands now, and its share of the
 * {@link ClientMemoryBudget}.
 *
 * <p>The connection is paused (Netty's {@code autoRead} off, and {@link ConnectionHandler} holds
 * the commands already decoded instead of running them) for any of two reasons, and resumes when
 * none is left:
 *
 * <ul>
 *   <li>{@link #UNWRITABLE}: its unsent replies passed the channel's write-buffer high-water mark
 *       ({@code ChannelOption.WRITE_BUFFER_WATER_MARK}); it resumes when they drain below the
 *       low-water mark.
 *   <li>{@link #OVER_BUDGET}: the budget is exhausted and this connection is receiving a request
 *       that already holds more than its allowance. It resumes when releases bring the budget back
 *       under its limit. Requests within the allowance go on, so small commands keep being
 *       served while large uploads wait.
 * </ul>
 *
 * <p>Replies count in the budget, so queued replies make large uploads wait sooner, but they do
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

  /** Pause reason: the outbound buffer is over its high-water mark. */
  static final int UNWRITABLE = 1;
  /** Pause reason: the client memory budget is exhausted. */
  static final int OVER_BUDGET = 2;

  private final Channel channel;
  private final ClientMemoryBudget budget;
  private final long requestAllowance;
  private Runnable onResume = () -> {};
  private int pausedFor;
  private boolean waitingForBudget;
  private boolean closed;
  private long inbound;

  /**
   * @param requestAllowance bytes a request may hold before an exhausted budget pauses its reading,
   *     so that small commands keep running when large ones wait
   */
  ConnectionFlow(Channel channel, ClientMemoryBudget budget, long requestAllowance) {
    this.channel = channel;
    this.budget = budget;
    this.requestAllowance = requestAllowance;
  }

  /** Sets what runs when the last pause reason is lifted: the handler runs held commands and reads on. */
  void onResume(Runnable hook) {
    this.onResume = hook;
  }

  /** Whether any pause reason holds. */
  boolean paused() {
    return pausedFor != 0;
  }

  /** Stops reading for {@code reason} ({@link #UNWRITABLE} or {@link #OVER_BUDGET}). */
  void pause(int reason) {
    if (closed) {
      return;
    }
    pausedFor |= reason;
    channel.config().setAutoRead(false);
    if (reason == OVER_BUDGET && !waitingForBudget) {
      waitingForBudget = true;
      budget.whenAvailable(this::wakeOnEventLoop);
    }
  }

  /** Lifts {@code reason}; once none is left, runs the resume hook. */
  void resume(int reason) {
    if (closed || (pausedFor & reason) == 0) {
      return;
    }
    pausedFor &= ~reason;
    if (pausedFor == 0) {
      onResume.run();
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
   * request now holds {@code requestBytes}, more than the allowance.
   */
  void received(long bytes, long requestBytes) {
    if (closed) {
      return;
    }
    inbound += bytes;
    budget.reserve(bytes);
    if (requestBytes > requestAllowance && budget.exhausted()) {
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

  /** After a command's reply is written: pauses if it took the unsent replies over the high-water mark. */
  void afterReply() {
    if (!channel.isWritable()) {
      pause(UNWRITABLE);
    }
  }

  /** The connection closed: lets go of its requests (replies are let go as their writes fail). */
  void close() {
    closed = true;
    ran(inbound);
  }
}
