package io.stratadb.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.redis.RedisEncoder;
import io.netty.handler.codec.redis.RedisMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** {@link ReplyWriter} writes the bytes Netty's {@code RedisEncoder} writes, in fewer channel writes. */
class ReplyWriterTest {

  /** Fresh replies of every kind, in the order written (bulk strings hold buffers, so they are made anew). */
  private static final Supplier<List<RedisMessage>> REPLIES = () -> List.of(
      Reply.OK, Reply.NULL, Reply.ZERO, Reply.ONE, Reply.integer(-42), Reply.integer(Long.MIN_VALUE),
      Reply.integer(Long.MAX_VALUE), Reply.integer(1_000_000), Reply.simple("PONG"), Reply.error("ERR syntax error"),
      Reply.bulk(new byte[0]), Reply.bulk("v\r\n\0"), Reply.bulk(new byte[] {0, 1, 'x'}, 1),
      Reply.bulk("x".repeat(ReplyWriter.MAX_COPIED_BULK_BYTES + 1)), // written as it is
      Reply.bulkArray("a", "bc"), Reply.array(List.of()), Reply.OK);

  @Test
  void writesWhatTheEncoderWrites() {
    EmbeddedChannel encoder = new EmbeddedChannel(new RedisEncoder());
    for (RedisMessage m : REPLIES.get()) {
      encoder.writeOutbound(m);
    }
    String expected = drain(encoder, new ArrayList<>());

    Capture capture = new Capture();
    EmbeddedChannel channel = new EmbeddedChannel(new RedisEncoder(), capture);
    ReplyWriter out = new ReplyWriter(capture.ctx);
    for (RedisMessage m : REPLIES.get()) {
      out.write(m);
    }
    out.flush();
    List<Integer> writes = new ArrayList<>();
    assertEquals(expected, drain(channel, writes));
    // The small replies before the large bulk string are one buffer; the large one's header and
    // content, the array's pieces and the buffer after them follow.
    assertEquals("+OK\r\n$-1\r\n:0\r\n:1\r\n:-42\r\n:-9223372036854775808\r\n:9223372036854775807\r\n:1000000\r\n"
        + "+PONG\r\n-ERR syntax error\r\n$0\r\n\r\n$4\r\nv\r\n\0\r\n$2\r\n\1x\r\n", expected.substring(0, writes.get(0)));
  }

  @Test
  void manySmallRepliesAreOneWriteUntilTheBufferFills() {
    Capture capture = new Capture();
    EmbeddedChannel channel = new EmbeddedChannel(new RedisEncoder(), capture);
    ReplyWriter out = new ReplyWriter(capture.ctx);
    for (int i = 0; i < 16; i++) {
      out.write(Reply.OK);
    }
    out.flush();
    List<Integer> writes = new ArrayList<>();
    assertEquals("+OK\r\n".repeat(16), drain(channel, writes));
    assertEquals(List.of(16 * 5), writes);

    int full = (ReplyWriter.MAX_PENDING_BYTES + 4) / 5; // replies that fill the buffer: it is written then
    for (int i = 0; i < full + 1; i++) {
      out.write(Reply.OK);
    }
    out.flush();
    writes.clear();
    assertEquals("+OK\r\n".repeat(full + 1), drain(channel, writes));
    assertEquals(List.of(full * 5, 5), writes);
  }

  /** The concatenated bytes of the channel's outbound writes; their sizes added to {@code sizes}. */
  private static String drain(EmbeddedChannel ch, List<Integer> sizes) {
    StringBuilder s = new StringBuilder();
    for (Object m; (m = ch.readOutbound()) != null; ) {
      ByteBuf b = (ByteBuf) m;
      sizes.add(b.readableBytes());
      s.append(b.toString(ISO_8859_1));
      b.release();
    }
    return s.toString();
  }

  /** Keeps its context, for the writer. */
  private static final class Capture extends ChannelInboundHandlerAdapter {
    ChannelHandlerContext ctx;

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
      this.ctx = context;
    }
  }
}
