package io.stratadb.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.redis.RedisMessage;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a connection: runs each decoded request (its arguments, from {@link
 * RequestDecoder}) through the {@link CommandDispatcher} and writes the reply.
 *
 * <p>Threading: commands run inline on the connection's event loop, as in Redis's own design and
 * in most servers over an LSM engine: point reads and writes take microseconds (a write appends to
 * the WAL through group commit; it blocks only in a write stall, when every writer must wait
 * anyway), and running inline keeps replies in request order without queues. A slow command
 * (DBSIZE, FLUSHDB, a large SCAN COUNT) delays the other connections of the same event loop.
 *
 * <p>Pipelining: replies are written as commands finish and flushed once per socket read, so a
 * pipeline of N commands costs one write system call, not N. Consecutive write commands (SET,
 * MSET, DEL, INCR, ...) are gathered into one engine write batch ({@link PipelineBatch}) whose
 * replies are written when it is committed: before the next other command, at the end of the
 * socket read, and before the connection pauses or closes. Back-pressure is checked between
 * commands, not only between socket reads: once a reply takes the unsent replies over the
 * high-water mark, the commands decoded after it (from the same read or later ones) are held, not
 * run, and run when the replies drain (see {@link ConnectionFlow}, which also stops reading when
 * the held commands pass {@link ServerConfig#maxRequestBytes()}). So a client that pipelines many
 * large GETs and never reads makes the server hold one high-water mark of replies plus one reply,
 * and its small requests, not all the replies.
 *
 * <p>Timeouts: with an idle timeout (Redis's {@code timeout}), Netty's {@code IdleStateHandler}
 * signals a connection that has neither read nor written for that long, and it is closed without
 * a reply, as Redis closes idle clients.
 *
 * <p>Protocol errors (garbage, an oversized request, a nested array) get {@code -ERR Protocol
 * error: ...} and the connection is closed, as Redis does; the server stays up.
 *
 * <p>On a cluster node ({@link Replication}) a command can wait a Raft round trip (a write's
 * commit, a read index), so commands do not run on the event loop: the handler hands the requests
 * read so far to a worker ({@code offload}) as one round, holds what arrives meanwhile, and writes
 * the round's replies, in order, when the worker is done (the worker waits on the Raft future; the
 * event loop serves the other connections meanwhile). A connection has at most one round at a
 * time, so its commands still run in order, one after another, and a round's consecutive writes
 * still go as one batch, one Raft entry. Back-pressure is checked between rounds.
 *
 * <p>One instance per connection; confined to its event loop, so not thread-safe (a round's
 * worker touches only the dispatcher, the session and the batch, and only while the event loop
 * leaves them alone: between handing the round over and taking its replies back).
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {

  /**
   * User event of a graceful shutdown on a cluster node: stop reading, and close once the running
   * round's replies are written (at once when none runs).
   */
  static final Object SHUTDOWN = new Object();

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionHandler.class);
  /** How long a connection closed for a protocol error or a request timeout goes on draining the client's input. */
  static final long LINGER_MILLIS = 1000;
  /** Requests run are let go of in the flow at the latest once they hold this many bytes. */
  private static final long MAX_UNSETTLED_BYTES = 64 << 10;

  private final CommandDispatcher dispatcher;
  private final ClientSession session;
  private final ConnectionFlow flow;
  private final long maxHeldBytes;
  private final PipelineBatch batch;
  /** Requests decoded while running was paused, in arrival order. */
  private final ArrayDeque<Object> held = new ArrayDeque<>();
  /** The bytes the held requests were counted for ({@link RequestDecoder#heldBytes}). */
  private long heldBytes;
  /**
   * Bytes of requests run but not yet let go of in the flow: let go together at the end of a
   * socket read (or past {@link #MAX_UNSETTLED_BYTES}), one update of the shared budget per read.
   */
  private long ranBytes;
  private ChannelHandlerContext ctx;
  private ReplyWriter out;
  private boolean closing;
  /** Runs rounds of commands off the event loop (cluster node), or null to run them inline. */
  private final Executor offload;
  /** Whether a round runs on the worker now; only the event loop reads or writes it. */
  private boolean inRound;
  /** The replies of the running round, in order; the batch's replies go here during a round. */
  private List<RedisMessage> roundReplies;
  /** Close once the running round is over ({@link #SHUTDOWN}). */
  private boolean closeAfterRound;

  /**
   * @param maxHeldBytes held requests beyond this stop the connection being read ({@link ServerConfig#maxRequestBytes()})
   * @param store the store the connection's {@link PipelineBatch} writes to
   * @param maxBatchedArgBytes longest argument a write command may have to be batched (see {@link PipelineBatch})
   * @param offload where rounds of commands run on a cluster node (see the class comment), or null
   *     to run commands on the event loop
   */
  ConnectionHandler(CommandDispatcher dispatcher, ClientSession session, ConnectionFlow flow, long maxHeldBytes,
      StringStore store, int maxBatchedArgBytes, Executor offload) {
    this.offload = offload;
    this.dispatcher = dispatcher;
    this.session = session;
    this.flow = flow;
    this.maxHeldBytes = maxHeldBytes;
    this.batch = new PipelineBatch(store, maxBatchedArgBytes, CommandDispatcher::errorReply, this::writeReply,
        flow::batchHolds);
  }

  /** Writes a reply of the batch, and checks back-pressure as after any reply. */
  private void writeReply(RedisMessage reply) {
    if (roundReplies != null) { // on the round's worker: the event loop writes it after the round
      roundReplies.add(reply);
      return;
    }
    out.write(reply);
    if (!closing) {
      flow.afterReply();
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext context) {
    this.ctx = context;
    this.out = new ReplyWriter(context);
    flow.onRunnable(this::runHeld);
  }

  @Override
  public void channelRead(ChannelHandlerContext context, Object msg) {
    if (closing) {
      return; // the decoded arguments hold no buffer
    } else if (offload != null || !flow.running() || !held.isEmpty()) { // a cluster node runs held requests in rounds
      held.add(msg);
      heldBytes += countedBytes(msg);
      if (heldBytes > maxHeldBytes) {
        flow.pause(ConnectionFlow.QUERY_BUFFER_FULL);
      }
    } else {
      run(msg);
    }
  }

  /** Runs one request, lets go of it, and checks back-pressure before the next. */
  private void run(Object msg) {
    try {
      if (msg instanceof byte[][] args) {
        execute(args);
      }
    } finally {
      ranBytes += countedBytes(msg);
      if (ranBytes > MAX_UNSETTLED_BYTES) {
        settle();
      }
    }
    if (!closing) {
      flow.afterReply();
    }
  }

  /** Running may go on: run the held requests until done or paused anew, and read again once few are left. */
  private void runHeld() {
    if (offload != null) {
      startRound();
      return;
    }
    while (!closing && flow.running() && !held.isEmpty()) {
      Object msg = held.poll();
      heldBytes -= countedBytes(msg);
      run(msg);
    }
    batch.flush();
    out.flush();
    settle();
    if (heldBytes <= maxHeldBytes) {
      flow.resume(ConnectionFlow.QUERY_BUFFER_FULL);
    }
  }

  /** The bytes {@link RequestDecoder} counted for a request. */
  private static long countedBytes(Object msg) {
    return msg instanceof byte[][] args ? RequestDecoder.heldBytes(args) : 0;
  }

  private void execute(byte[][] args) {
    RedisMessage reply = dispatcher.dispatch(session, args, batch);
    if (reply == PipelineBatch.DEFERRED) {
      return;
    }
    if (reply == null) {
      closing = true;
      out.flushAndClose(Unpooled.EMPTY_BUFFER);
    } else if (session.closeAfterReply()) {
      closing = true;
      out.flushAndClose(reply);
    } else {
      out.write(reply);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (offload != null) {
      startRound();
      return;
    }
    batch.flush();
    out.flush();
    settle();
  }

  /** Lets go of the requests run since the last call in the flow (and so in the client budget). */
  private void settle() {
    if (ranBytes > 0) {
      flow.ran(ranBytes);
      ranBytes = 0;
    }
  }

  /**
   * On a cluster node: unless a round runs or running is paused, takes the held requests (at most
   * {@link PipelineBatch#MAX_COMMANDS}) as the next round and hands it to the worker.
   */
  private void startRound() {
    if (inRound || closing || !flow.running() || held.isEmpty()) {
      return;
    }
    List<byte[][]> commands = new ArrayList<>();
    String protocolError = null;
    while (!held.isEmpty() && commands.size() < PipelineBatch.MAX_COMMANDS) {
      Object msg = held.poll();
      long bytes = countedBytes(msg);
      heldBytes -= bytes;
      flow.ran(bytes);
      if (msg instanceof ProtocolErrorMarker marker) {
        protocolError = marker.message(); // the commands before it run; then the error, and the connection closes
        break;
      }
      if (msg instanceof byte[][] args) {
        commands.add(args);
      }
    }
    if (heldBytes <= maxHeldBytes) {
      flow.resume(ConnectionFlow.QUERY_BUFFER_FULL);
    }
    inRound = true;
    String error = protocolError;
    try {
      offload.execute(() -> {
        Round round;
        try {
          round = runRound(commands);
        } catch (RuntimeException | Error e) { // a bug: dispatch and flush turn command failures into replies
          LOG.error("connection {}: a round of commands failed", session.id(), e);
          round = new Round(List.of(Reply.error("ERR internal error: " + e)), true, false);
        }
        Round done = round;
        ctx.channel().eventLoop().execute(() -> endRound(done, error));
      });
    } catch (RejectedExecutionException e) { // the node is closing, or maxclients rounds run: this one never will
      inRound = false;
      closing = true;
      out.flushAndClose(Reply.error(offload instanceof ExecutorService pool && pool.isShutdown()
          ? "ERR server is shutting down" : "ERR max number of clients reached"));
    }
  }

  /** Held after the requests decoded before a protocol error, on a cluster node: they run first. */
  private record ProtocolErrorMarker(String message) {}

  /** What a round left for the event loop: the replies in order, and how the connection goes on. */
  private record Round(List<RedisMessage> replies, boolean closeAfterLast, boolean closeWithoutReply) {}

  /** On the worker: runs the round's commands in order, as {@link #execute} does, and flushes the batch. */
  private Round runRound(List<byte[][]> commands) {
    roundReplies = new ArrayList<>();
    session.readable(false); // one read barrier for the round's reads, all of which arrived before it
    try {
      for (byte[][] args : commands) {
        RedisMessage reply = dispatcher.dispatch(session, args, batch);
        if (reply == PipelineBatch.DEFERRED) {
          continue;
        }
        if (reply == null) { // SHUTDOWN: the batch's replies before it, then close
          batch.flush();
          return new Round(roundReplies, false, true);
        }
        roundReplies.add(reply);
        if (session.closeAfterReply()) {
          batch.flush();
          return new Round(roundReplies, true, false);
        }
      }
      batch.flush();
      return new Round(roundReplies, false, false);
    } catch (RuntimeException | Error e) { // a bug: release the batch's stripes before the round is given up
      try {
        batch.flush();
      } catch (RuntimeException | Error again) {
        e.addSuppressed(again);
      }
      throw e;
    } finally {
      roundReplies = null;
    }
  }

  /** On the event loop: writes a round's replies, then starts the next round if requests wait. */
  private void endRound(Round round, String protocolError) {
    inRound = false;
    if (closing) {
      return; // the connection went away meanwhile: the commands ran, their replies go nowhere
    }
    for (RedisMessage reply : round.replies()) {
      out.write(reply);
    }
    if (round.closeWithoutReply() || round.closeAfterLast() || closeAfterRound) {
      closing = true;
      out.flushAndClose(Unpooled.EMPTY_BUFFER);
      return;
    }
    if (protocolError != null) {
      protocolError(ctx, protocolError);
      return;
    }
    out.flush();
    flow.afterReply();
    startRound();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    if (ctx.channel().isWritable()) {
      flow.resume(ConnectionFlow.UNWRITABLE);
    } else {
      flow.pause(ConnectionFlow.UNWRITABLE);
    }
    super.channelWritabilityChanged(ctx);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt == SHUTDOWN) {
      ctx.channel().config().setAutoRead(false);
      if (inRound) {
        closeAfterRound = true;
      } else {
        closing = true;
        out.flushAndClose(Unpooled.EMPTY_BUFFER);
      }
      return;
    }
    if (evt == RequestDecoder.TIMED_OUT) { // without a reply, as before; the client's unread upload is drained
      if (inRound) { // the worker owns the batch: close now, as a running round's connection always has
        closing = true;
        ctx.close();
        return;
      }
      batch.flush();
      lingeringClose(Unpooled.EMPTY_BUFFER);
      return;
    }
    if (evt instanceof IdleStateEvent) {
      LOG.debug("closing idle connection {}", session.id());
      closing = true;
      ctx.close();
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    closing = true;
    if (!inRound) { // a running round flushes its own batch
      batch.flush(); // the commands ran, as in Redis; their replies go nowhere
    }
    held.clear();
    out.discard();
    ranBytes = 0; // flow.close() lets go of everything the connection holds
    flow.close();
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!inRound) { // a running round flushes its own batch
      batch.flush(); // the replies of the commands before the failure, and their stripes released
    }
    if (closing) {
      return;
    }
    if (cause instanceof PrematureChannelClosureException) { // the client left half-way through a request
      LOG.debug("connection {} closed during a request", session.id());
      closing = true;
      return;
    }
    if (cause instanceof DecoderException || cause instanceof TooLongFrameException) {
      Throwable root = cause.getCause() != null ? cause.getCause() : cause;
      String message = root.getMessage() == null ? root.toString() : root.getMessage();
      if (message.startsWith("Protocol error: ")) {
        message = message.substring("Protocol error: ".length());
      } else if (message.startsWith("length: ")) {
        message = "invalid bulk length " + message.substring("length: ".length()); // Netty's 512 MiB check
      }
      if (offload != null) { // the requests decoded before it run first, as they would have inline
        ctx.channel().config().setAutoRead(false);
        held.add(new ProtocolErrorMarker(message));
        startRound();
        return;
      }
      protocolError(ctx, message);
      return;
    }
    if (cause instanceof IOException) {
      LOG.debug("connection {} failed: {}", session.id(), cause.toString());
    } else {
      LOG.warn("connection {} failed", session.id(), cause);
    }
    closing = true;
    ctx.close();
  }

  /**
   * Replies {@code -ERR Protocol error: reason} and closes, as Redis does on malformed input. The
   * close lingers: once the reply is sent the output is shut down (the client reads the reply,
   * then end of stream) and whatever the client still sends is read and dropped ({@link
   * RequestDecoder} drops all input after an error) until it closes its end, or {@link
   * #LINGER_MILLIS} have passed. Closing at once, with the client's bytes still unread in the
   * socket, makes the kernel reset the connection, and a client may then lose the reply.
   */
  private void protocolError(ChannelHandlerContext ctx, String reason) {
    lingeringClose(Reply.error("ERR Protocol error: " + reason));
  }

  /** Writes the replies so far and {@code last}, then closes as {@link #protocolError} does. */
  private void lingeringClose(Object last) {
    closing = true;
    held.clear();
    flow.drain();
    Channel ch = ctx.channel();
    out.flushThen(last, sent -> {
      if (!sent.isSuccess() || !(ch instanceof DuplexChannel duplex)) {
        ch.close();
        return;
      }
      duplex.shutdownOutput();
      ch.eventLoop().schedule(() -> ch.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
    });
  }
}
