package io.stratadb.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;

/**
 * Enforces {@link ServerConfig#maxClients()}: a connection beyond it gets Redis's {@code -ERR max
 * number of clients reached} and is closed before anything it sends is read. First handler of
 * every pipeline. Shared by all connections; thread-safe (the count is atomic).
 */
@Sharable
final class ClientLimits extends ChannelInboundHandlerAdapter {

  private static final byte[] TOO_MANY = "-ERR max number of clients reached\r\n".getBytes(StandardCharsets.US_ASCII);

  private final int maxClients;
  private final ServerStats stats;

  ClientLimits(int maxClients, ServerStats stats) {
    this.maxClients = maxClients;
    this.stats = stats;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    stats.connectionsReceived().increment();
    if (stats.connected().incrementAndGet() > maxClients) {
      stats.rejectedConnections().increment();
      ctx.channel().config().setAutoRead(false);
      ctx.writeAndFlush(Unpooled.wrappedBuffer(TOO_MANY)).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    super.channelActive(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    stats.connected().decrementAndGet();
    super.channelInactive(ctx);
  }
}
