package io.stratadb.server;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.redis.ArrayRedisMessage;
import io.netty.handler.codec.redis.ErrorRedisMessage;
import io.netty.handler.codec.redis.FullBulkStringRedisMessage;
import io.netty.handler.codec.redis.InlineCommandRedisMessage;
import io.netty.handler.codec.redis.IntegerRedisMessage;
import io.netty.handler.codec.redis.RedisMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a connection: turns each decoded request (a RESP array of bulk strings, or
 * an inline command) into arguments, runs it through the {@link CommandDispatcher} and writes the
 * reply.
 *
 * <p>Threading: commands run inline on the connection's event loop, as in Redis's own design and
 * in most servers over an LSM engine: point reads and writes take microseconds (a write appends to
 * the WAL through group commit; it blocks only in a write stall, when every writer must wait
 * anyway), and running inline keeps replies in request order without queues. A slow command
 * (DBSIZE, FLUSHDB, a large SCAN COUNT) delays the other connections of the same event loop.
 *
 * <p>Pipelining: replies are written as commands finish and flushed once per socket read, so a
 * pipeline of N commands costs one write system call, not N. Back-pressure: when the outbound
 * buffer passes its high-water mark the connection stops being read until it drains, so a client
 * that never reads its replies cannot make the server buffer without bound.
 *
 * <p>Protocol errors (garbage, an oversized request, a nested array) get {@code -ERR Protocol
 * error: ...} and the connection is closed, as Redis does; the server stays up.
 *
 * <p>One instance per connection; confined to its event loop, so not thread-safe.
 */
final class ConnectionHandler extends SimpleChannelInboundHandler<RedisMessage> {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionHandler.class);

  private final CommandDispatcher dispatcher;
  private final ClientSession session;
  private boolean closing;

  ConnectionHandler(CommandDispatcher dispatcher, ClientSession session) {
    super(RedisMessage.class);
    this.dispatcher = dispatcher;
    this.session = session;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, RedisMessage msg) {
    if (closing) {
      return;
    }
    byte[][] args;
    try {
      args = arguments(msg);
    } catch (IllegalArgumentException e) {
      protocolError(ctx, e.getMessage());
      return;
    }
    if (args.length == 0) {
      return; // Redis ignores an empty request.
    }
    RedisMessage reply = dispatcher.dispatch(session, args);
    if (reply == null) {
      closing = true;
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    } else if (session.closeAfterReply()) {
      closing = true;
      ctx.writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.write(reply, ctx.voidPromise());
    }
  }

  /** The command's arguments, copied out of Netty's buffers (which are released after this call). */
  private static byte[][] arguments(RedisMessage msg) {
    if (msg instanceof ArrayRedisMessage array) {
      List<RedisMessage> children = array.children();
      if (children == null) {
        return new byte[0][];
      }
      byte[][] args = new byte[children.size()][];
      for (int i = 0; i < args.length; i++) {
        if (!(children.get(i) instanceof FullBulkStringRedisMessage bulk) || bulk.isNull()) {
          throw new IllegalArgumentException("expected '$', got '" + typeChar(children.get(i)) + "'");
        }
        args[i] = ByteBufUtil.getBytes(bulk.content());
      }
      return args;
    }
    if (msg instanceof InlineCommandRedisMessage inline) {
      String line = inline.content().trim();
      if (line.isEmpty()) {
        return new byte[0][];
      }
      String[] words = line.split("\\s+");
      byte[][] args = new byte[words.length][];
      for (int i = 0; i < words.length; i++) {
        args[i] = words[i].getBytes(StandardCharsets.UTF_8);
      }
      return args;
    }
    throw new IllegalArgumentException("expected '*', got '" + typeChar(msg) + "'");
  }

  private static char typeChar(RedisMessage m) {
    if (m instanceof ArrayRedisMessage) {
      return '*';
    }
    if (m instanceof FullBulkStringRedisMessage) {
      return '$';
    }
    if (m instanceof IntegerRedisMessage) {
      return ':';
    }
    if (m instanceof ErrorRedisMessage) {
      return '-';
    }
    return '+';
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.flush();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    if (!closing) {
      ctx.channel().config().setAutoRead(ctx.channel().isWritable());
    }
    super.channelWritabilityChanged(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (closing) {
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

  /** Replies {@code -ERR Protocol error: reason} and closes, as Redis does on malformed input. */
  private void protocolError(ChannelHandlerContext ctx, String reason) {
    closing = true;
    ctx.channel().config().setAutoRead(false);
    ctx.writeAndFlush(Reply.error("ERR Protocol error: " + reason)).addListener(ChannelFutureListener.CLOSE);
  }
}
