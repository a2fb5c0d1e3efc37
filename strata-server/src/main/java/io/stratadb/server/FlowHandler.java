package io.stratadb.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * The pipeline side of a connection's {@link ConnectionFlow}, on the head's side of the
 * {@code RedisEncoder}:
 *
 * <ul>
 *   <li>counts the encoded reply bytes from the moment they are written until the socket has
 *       taken them (or the write failed), in the flow and so in the {@link ClientMemoryBudget};
 *   <li>holds back {@code read()} requests while the flow's reading is paused. Turning {@code
 *       autoRead} off is not enough on its own: Netty's {@code MessageAggregator} asks for another read itself
 *       while it is part-way through a message, which is exactly when a large upload must wait.
 * </ul>
 *
 * <p>One instance per connection; confined to its event loop, so not thread-safe.
 */
final class FlowHandler extends ChannelOutboundHandlerAdapter {

  private final ConnectionFlow flow;

  FlowHandler(ConnectionFlow flow) {
    this.flow = flow;
  }

  @Override
  public void read(ChannelHandlerContext ctx) {
    if (flow.reading()) {
      ctx.read();
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    int bytes = msg instanceof ByteBuf buf ? buf.readableBytes() : 0;
    if (bytes == 0) {
      ctx.write(msg, promise);
      return;
    }
    flow.queued(bytes);
    // unvoid(): a void promise takes no listener; its replacement still reports failures to the pipeline.
    ChannelPromise counted = promise.unvoid();
    counted.addListener(f -> flow.sent(bytes));
    ctx.write(msg, counted);
  }
}
