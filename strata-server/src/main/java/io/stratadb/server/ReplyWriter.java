package io.stratadb.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.redis.ErrorRedisMessage;
import io.netty.handler.codec.redis.FullBulkStringRedisMessage;
import io.netty.handler.codec.redis.IntegerRedisMessage;
import io.netty.handler.codec.redis.RedisMessage;
import io.netty.handler.codec.redis.SimpleStringRedisMessage;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;

/**
 * Writes one connection's replies: small ones (simple strings, errors, integers, bulk strings of
 * up to {@link #MAX_COPIED_BULK_BYTES}) are encoded as RESP2 straight into one pooled buffer, which
 * goes to the channel as a single write when it reaches {@link #MAX_PENDING_BYTES} or at {@link
 * #flush}; any other reply (arrays, large values) goes through the pipeline's {@code RedisEncoder}
 * as before, after the buffer. So a pipeline of 16 GETs is one buffer, one channel write, one
 * write promise and one system call, where each reply was a buffer, a write and a promise of its
 * own.
 *
 * <p>Back-pressure is unchanged in kind: the buffer goes to the channel before it passes {@link
 * #MAX_PENDING_BYTES}, so the channel's water marks see a connection's replies within that much.
 *
 * <p>One per connection; confined to its event loop, so not thread-safe.
 */
final class ReplyWriter {

  /** The buffer of encoded replies is written to the channel once it holds this many bytes. */
  static final int MAX_PENDING_BYTES = 16 << 10;
  /** Bulk strings up to this size are copied into the buffer; larger ones are written as they are. */
  static final int MAX_COPIED_BULK_BYTES = 2 << 10;

  private static final byte[] OK = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NULL_BULK = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);

  private final ChannelHandlerContext ctx;
  private ByteBuf pending;

  ReplyWriter(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  /** Writes {@code reply} (not flushed), after the replies written before it. Takes ownership of it. */
  void write(RedisMessage reply) {
    if (reply == Reply.OK) {
      buffer(OK.length).writeBytes(OK);
    } else if (reply == FullBulkStringRedisMessage.NULL_INSTANCE) {
      buffer(NULL_BULK.length).writeBytes(NULL_BULK);
    } else if (reply instanceof IntegerRedisMessage integer) {
      writeNumberLine(buffer(22), ':', integer.value());
    } else if (reply instanceof SimpleStringRedisMessage simple) {
      writeLine('+', simple.content());
    } else if (reply instanceof ErrorRedisMessage error) {
      writeLine('-', error.content());
    } else if (reply instanceof FullBulkStringRedisMessage bulk && !bulk.isNull()
        && bulk.content().readableBytes() <= MAX_COPIED_BULK_BYTES) {
      ByteBuf content = bulk.content();
      ByteBuf out = buffer(content.readableBytes() + 24);
      writeNumberLine(out, '$', content.readableBytes());
      out.writeBytes(content, content.readerIndex(), content.readableBytes());
      out.writeShort('\r' << 8 | '\n');
      ReferenceCountUtil.release(reply);
    } else {
      writePending();
      ctx.write(reply, ctx.voidPromise());
      return;
    }
    if (pending.readableBytes() >= MAX_PENDING_BYTES) {
      writePending();
    }
  }

  /** Writes the replies so far to the socket. */
  void flush() {
    writePending();
    ctx.flush();
  }

  /** Writes the replies so far, then {@code last} (a reply, or an empty buffer), and closes the connection. */
  void flushAndClose(Object last) {
    flushThen(last, ChannelFutureListener.CLOSE);
  }

  /** Writes the replies so far, then {@code last}, flushes, and runs {@code then} once the socket has taken them. */
  void flushThen(Object last, ChannelFutureListener then) {
    writePending();
    ctx.writeAndFlush(last).addListener(then);
  }

  /** Drops the replies not yet written (the connection is gone). */
  void discard() {
    if (pending != null) {
      pending.release();
      pending = null;
    }
  }

  /** Hands the buffer of encoded replies, if any, to the channel (not flushed). */
  private void writePending() {
    if (pending != null) {
      ByteBuf out = pending;
      pending = null;
      ctx.write(out, ctx.voidPromise());
    }
  }

  private ByteBuf buffer(int bytes) {
    if (pending == null) {
      pending = ctx.alloc().ioBuffer(Math.max(256, bytes));
    }
    return pending;
  }

  private void writeLine(char type, String text) {
    ByteBuf out = buffer(text.length() + 3);
    out.writeByte(type);
    ByteBufUtil.writeUtf8(out, text);
    out.writeShort('\r' << 8 | '\n');
  }

  /** {@code <type><n>\r\n}, the digits written without a String. */
  static void writeNumberLine(ByteBuf out, char type, long n) {
    out.writeByte(type);
    if (n < 0) {
      if (n == Long.MIN_VALUE) {
        out.writeCharSequence("-9223372036854775808", StandardCharsets.US_ASCII);
        out.writeShort('\r' << 8 | '\n');
        return;
      }
      out.writeByte('-');
      n = -n;
    }
    long div = 1;
    while (div <= n / 10) {
      div *= 10;
    }
    for (; div > 0; div /= 10) {
      out.writeByte((int) ('0' + n / div % 10));
    }
    out.writeShort('\r' << 8 | '\n');
  }
}
