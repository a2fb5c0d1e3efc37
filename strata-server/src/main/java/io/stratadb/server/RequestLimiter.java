package io.stratadb.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.redis.ArrayHeaderRedisMessage;
import io.netty.handler.codec.redis.BulkStringHeaderRedisMessage;
import io.netty.util.ReferenceCountUtil;

/**
 * Bounds what one command may make the server buffer, before the aggregators allocate it: it sits
 * between Netty's streaming {@code RedisDecoder} and the aggregators and checks each declared
 * length (an array's element count, a bulk string's byte count, their total for one command)
 * against {@link ServerConfig}. A request over a bound raises a {@link TooLongFrameException}
 * with Redis's wording; {@link ConnectionHandler} replies with it and closes the connection, and
 * everything read after it is dropped here.
 *
 * <p>One instance per connection; confined to its event loop, so not thread-safe.
 */
final class RequestLimiter extends ChannelInboundHandlerAdapter {

  private final int maxArgs;
  private final int maxBulkBytes;
  private final long maxRequestBytes;
  private long requestBytes;
  private boolean failed;

  RequestLimiter(ServerConfig config) {
    this.maxArgs = config.maxArgs();
    this.maxBulkBytes = config.maxBulkBytes();
    this.maxRequestBytes = config.maxRequestBytes();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (failed) {
      ReferenceCountUtil.release(msg);
      return;
    }
    String violation = null;
    if (msg instanceof ArrayHeaderRedisMessage header) {
      requestBytes = 0;
      if (header.length() > maxArgs) {
        violation = "Protocol error: invalid multibulk length " + header.length() + " (more than " + maxArgs
            + " arguments)";
      }
    } else if (msg instanceof BulkStringHeaderRedisMessage header) {
      long length = header.bulkStringLength();
      requestBytes += Math.max(0, length);
      if (length > maxBulkBytes) {
        violation = "Protocol error: invalid bulk length " + length + " (more than proto-max-bulk-len "
            + maxBulkBytes + ")";
      } else if (requestBytes > maxRequestBytes) {
        violation = "Protocol error: request larger than client-query-buffer-limit " + maxRequestBytes + " bytes";
      }
    }
    if (violation != null) {
      failed = true;
      ReferenceCountUtil.release(msg);
      ctx.channel().config().setAutoRead(false);
      ctx.fireExceptionCaught(new TooLongFrameException(violation));
      return;
    }
    ctx.fireChannelRead(msg);
  }
}
