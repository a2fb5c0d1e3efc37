package io.stratadb.server;

import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.redis.ArrayHeaderRedisMessage;
import io.netty.handler.codec.redis.BulkStringHeaderRedisMessage;
import io.netty.handler.codec.redis.BulkStringRedisContent;
import io.netty.handler.codec.redis.LastBulkStringRedisContent;
import io.netty.handler.codec.redis.RedisMessage;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds what one command may make the server buffer, before the aggregators allocate it: it sits
 * between Netty's streaming {@code RedisDecoder} and the aggregators and checks each declared
 * length (an array's element count, a bulk string's byte count, their total for one command)
 * against {@link ServerConfig}. A request over a bound raises a {@link TooLongFrameException}
 * with Redis's wording; {@link ConnectionHandler} replies with it and closes the connection, and
 * everything read after it is dropped here.
 *
 * <p>It also follows each multi-bulk request from its {@code *n} header to its last byte:
 *
 * <ul>
 *   <li>the bytes it holds (argument bytes plus {@link #ARG_OVERHEAD_BYTES} per argument) are
 *       counted in the connection's {@link ConnectionFlow} as they arrive, which pauses reading
 *       when the client memory budget is exhausted; {@link #heldBytes} gives the same count for a
 *       complete request, which {@link ConnectionHandler} lets go of once it has run;
 *   <li>a request not complete within {@link ServerConfig#requestTimeoutMillis()} of its header
 *       closes the connection, without a reply (a slowloris, or an upload that stopped half-way,
 *       lets go of what it holds). The timer is set only for a request still incomplete at the
 *       end of a socket read.
 * </ul>
 *
 * <p>One instance per connection; confined to its event loop, so not thread-safe.
 */
final class RequestLimiter extends ChannelInboundHandlerAdapter {

  /** Estimated bytes one argument costs besides its content (message objects, buffer slices, the copy). */
  static final long ARG_OVERHEAD_BYTES = 128;

  private static final Logger LOG = LoggerFactory.getLogger(RequestLimiter.class);

  private final int maxArgs;
  private final int maxBulkBytes;
  private final long maxRequestBytes;
  private final long requestTimeoutMillis;
  private final ConnectionFlow flow;
  private long declaredBytes;
  private long elementsLeft;
  private boolean bulkOpen;
  private long requestStartNanos;
  private ScheduledFuture<?> deadline;
  private boolean failed;

  RequestLimiter(ServerConfig config, ConnectionFlow flow) {
    this.maxArgs = config.maxArgs();
    this.maxBulkBytes = config.maxBulkBytes();
    this.maxRequestBytes = config.maxRequestBytes();
    this.requestTimeoutMillis = config.requestTimeoutMillis();
    this.flow = flow;
  }

  /** The bytes a complete request (an array of bulk strings) was counted for: what to let go once it has run. */
  static long heldBytes(List<? extends RedisMessage> args) {
    long bytes = 0;
    for (RedisMessage m : args) {
      bytes += ARG_OVERHEAD_BYTES;
      if (m instanceof ByteBufHolder holder) {
        bytes += holder.content().readableBytes();
      }
    }
    return bytes;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (failed) {
      ReferenceCountUtil.release(msg);
      return;
    }
    String violation = null;
    if (msg instanceof ArrayHeaderRedisMessage header) {
      declaredBytes = 0;
      if (header.length() > maxArgs) {
        violation = "Protocol error: invalid multibulk length " + header.length() + " (more than " + maxArgs
            + " arguments)";
      } else if (header.length() > 0) {
        startRequest(header.length());
      }
    } else if (msg instanceof BulkStringHeaderRedisMessage header) {
      long length = header.bulkStringLength();
      declaredBytes += Math.max(0, length);
      if (length > maxBulkBytes) {
        violation = "Protocol error: invalid bulk length " + length + " (more than proto-max-bulk-len "
            + maxBulkBytes + ")";
      } else if (declaredBytes > maxRequestBytes) {
        violation = "Protocol error: request larger than client-query-buffer-limit " + maxRequestBytes + " bytes";
      } else if (elementsLeft > 0) {
        bulkOpen = true;
        argumentArrived();
      }
    } else if (msg instanceof BulkStringRedisContent content) {
      if (elementsLeft > 0 || bulkOpen) {
        hold(content.content().readableBytes());
      }
      if (msg instanceof LastBulkStringRedisContent) {
        bulkOpen = false;
      }
    } else if (elementsLeft > 0) { // an empty or null bulk string, or a wrong type the aggregator rejects
      argumentArrived();
    }
    if (violation != null) {
      failed = true;
      cancelDeadline();
      ReferenceCountUtil.release(msg);
      ctx.channel().config().setAutoRead(false);
      ctx.fireExceptionCaught(new TooLongFrameException(violation));
      return;
    }
    ctx.fireChannelRead(msg);
  }

  private void startRequest(long elements) {
    elementsLeft = elements;
    bulkOpen = false;
    requestStartNanos = System.nanoTime();
  }

  private boolean inRequest() {
    return elementsLeft > 0 || bulkOpen;
  }

  private void argumentArrived() {
    elementsLeft--;
    hold(ARG_OVERHEAD_BYTES);
  }

  private void hold(long bytes) {
    flow.received(bytes);
  }

  /**
   * After each socket read: a request left incomplete gets a deadline, unless one is set. (Requests
   * that complete within the read they start in, nearly all of them, never schedule a timer.)
   */
  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
    if (requestTimeoutMillis > 0 && deadline == null && inRequest() && !failed) {
      scheduleDeadline(ctx);
    }
    super.channelReadComplete(ctx);
  }

  private void scheduleDeadline(ChannelHandlerContext ctx) {
    long left = TimeUnit.MILLISECONDS.toNanos(requestTimeoutMillis) - (System.nanoTime() - requestStartNanos);
    deadline = ctx.executor().schedule(() -> deadlineReached(ctx), Math.max(0, left), TimeUnit.NANOSECONDS);
  }

  /** The deadline of a request: the one it was set for, or one that started since and may have time left. */
  private void deadlineReached(ChannelHandlerContext ctx) {
    deadline = null;
    if (!inRequest() || failed) {
      return;
    }
    if (System.nanoTime() - requestStartNanos < TimeUnit.MILLISECONDS.toNanos(requestTimeoutMillis)) {
      scheduleDeadline(ctx);
      return;
    }
    LOG.debug("closing {}: request not complete within {} ms", ctx.channel().remoteAddress(), requestTimeoutMillis);
    failed = true;
    ctx.close();
  }

  private void cancelDeadline() {
    if (deadline != null) {
      deadline.cancel(false);
      deadline = null;
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancelDeadline();
    super.channelInactive(ctx);
  }
}
