package io.stratadb.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes a connection's requests straight into their arguments, one {@code byte[][]} per command
 * (name first), and bounds what one command may make the server buffer. Two forms, as Redis reads
 * them:
 *
 * <pre>
 *   multi-bulk:  *&lt;n&gt;\r\n  then n times  $&lt;length&gt;\r\n&lt;length bytes&gt;\r\n
 *   inline:      a line of blank-separated words ending in \n or \r\n, split by {@link InlineArgs}
 * </pre>
 *
 * <p>A top-level line starting with {@code $ + - :} is refused ({@code expected '*', got '$'}), as
 * Netty's RESP decoder refused it before this class replaced it; any other line is an inline
 * command. A multi-bulk count of 0 or less is ignored, as Redis ignores it.
 *
 * <p>Limits, each checked on the declared length before any of the content is buffered: more than
 * {@link ServerConfig#maxArgs()} arguments, an argument over {@link ServerConfig#maxBulkBytes()},
 * declared arguments of one command over {@link ServerConfig#maxRequestBytes()}, a line (inline
 * command or header) over {@link ServerConfig#maxInlineBytes()}. A violation, or malformed input,
 * raises a {@link DecoderException} whose message starts {@code Protocol error: } with Redis's
 * wording; {@link ConnectionHandler} replies with it and closes the connection, and everything read
 * after it is dropped here. The commands decoded before it are passed on first.
 *
 * <p>Accounting: the bytes a request holds (argument bytes plus {@link #ARG_OVERHEAD_BYTES} per
 * argument) are counted in the connection's {@link ConnectionFlow} as they arrive, partial
 * requests included, which pauses reading when the client memory budget is exhausted; {@link
 * #heldBytes} gives the same count for a decoded request, which {@link ConnectionHandler} lets go
 * of once it has run.
 *
 * <p>Timeout: a multi-bulk request not complete within {@link ServerConfig#requestTimeoutMillis()}
 * of its header closes the connection, without a reply (a slowloris, or an upload that stopped
 * half-way, lets go of what it holds). The timer is set only for a request still incomplete at the
 * end of a socket read.
 *
 * <p>Why not Netty's {@code RedisDecoder} with its aggregators: they pass one message object per
 * argument through three more handlers and build a composite buffer per argument; in profiles of
 * redis-benchmark that was a quarter of the event loops' time on writes (docs/server.md).
 *
 * <p>One instance per connection; confined to its event loop, so not thread-safe.
 */
final class RequestDecoder extends ByteToMessageDecoder {

  /** User event: a request was not received whole in time; the connection is to close without a reply. */
  static final Object TIMED_OUT = new Object();

  /** Estimated bytes one argument costs besides its content (the array slot, the copy's header). */
  static final long ARG_OVERHEAD_BYTES = 128;

  private static final Logger LOG = LoggerFactory.getLogger(RequestDecoder.class);
  /** Digits of the longest number a header may carry (Long.MAX_VALUE has 19). */
  private static final int MAX_DIGITS = 19;

  private final int maxArgs;
  private final int maxBulkBytes;
  private final long maxRequestBytes;
  private final int maxLineBytes;
  private final long requestTimeoutMillis;
  private final ConnectionFlow flow;

  /** The arguments of the multi-bulk request being read, or null between requests. */
  /** Argument slots a request header allocates before its arguments arrive (Redis: 1024). */
  static final int INITIAL_ARG_SLOTS = 1024;

  private byte[][] args;
  /** Arguments the request's header declared; {@link #args} grows towards it as they arrive. */
  private int argCount;
  private int argIndex;
  /** Length of the bulk string being read, or -1 while its {@code $} header is awaited. */
  private int bulkLength = -1;
  /** Bytes of the current bulk string counted in the flow so far. */
  private int bulkCounted;
  private long declaredBytes;
  private long requestStartNanos;
  /**
   * Bytes received in this {@link #decode} call, told to the flow once at its end (before the
   * requests decoded are passed on): one update of the shared budget per socket read, not one per
   * argument.
   */
  private long unreported;
  private ScheduledFuture<?> deadline;
  private boolean failed;

  RequestDecoder(ServerConfig config, ConnectionFlow flow) {
    this.maxArgs = config.maxArgs();
    this.maxBulkBytes = config.maxBulkBytes();
    this.maxRequestBytes = config.maxRequestBytes();
    this.maxLineBytes = config.maxInlineBytes();
    this.requestTimeoutMillis = config.requestTimeoutMillis();
    this.flow = flow;
  }

  /** Argument slots allocated for the request being read (0 between requests); for tests. */
  int argSlots() {
    return args == null ? 0 : args.length;
  }

  /** The bytes a decoded request was counted for: what to let go once it has run. */
  static long heldBytes(byte[][] args) {
    long bytes = 0;
    for (byte[] a : args) {
      bytes += ARG_OVERHEAD_BYTES + a.length;
    }
    return bytes;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    try {
      while (in.isReadable()) {
        if (args == null ? !startRequest(in, out) : !readArgument(in)) {
          return; // more bytes needed
        }
        if (args != null && argIndex == argCount) {
          out.add(args);
          args = null;
        }
      }
    } catch (DecoderException e) {
      failed = true;
      cancelDeadline();
      in.skipBytes(in.readableBytes());
      throw e;
    } finally {
      if (unreported > 0) {
        flow.received(unreported);
        unreported = 0;
      }
    }
  }

  /** Reads a {@code *n} header or a whole inline command; false if its line is not complete yet. */
  private boolean startRequest(ByteBuf in, List<Object> out) {
    int start = in.readerIndex();
    byte type = in.getByte(start);
    if (type == '*') {
      long n = readNumberLine(in, "invalid multibulk length", "too big mbulk count string");
      if (n == Long.MIN_VALUE) {
        return false;
      }
      if (n > maxArgs) {
        throw protocolError("invalid multibulk length " + n + " (more than " + maxArgs + " arguments)");
      }
      if (n > 0) {
        // A header alone is a few bytes: its slots are allocated as the arguments arrive (at most
        // INITIAL_ARG_SLOTS up front), as Redis does, so no budget pays for arguments never sent.
        argCount = (int) n;
        args = new byte[Math.min(argCount, INITIAL_ARG_SLOTS)][];
        argIndex = 0;
        bulkLength = -1;
        declaredBytes = 0;
        requestStartNanos = System.nanoTime();
      }
      return true;
    }
    if (type == '$' || type == '+' || type == '-' || type == ':') {
      throw protocolError("expected '*', got '" + (char) type + "'");
    }
    int lf = in.indexOf(start, in.writerIndex(), (byte) '\n');
    if (lf < 0) {
      if (in.readableBytes() > maxLineBytes) {
        throw protocolError("too big inline request");
      }
      return false;
    }
    int end = lf > start && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
    if (end - start > maxLineBytes) {
      throw protocolError("too big inline request");
    }
    byte[] line = new byte[end - start];
    in.getBytes(start, line);
    in.readerIndex(lf + 1);
    List<byte[]> words;
    try {
      words = InlineArgs.split(line);
    } catch (IllegalArgumentException e) {
      throw protocolError(e.getMessage());
    }
    if (!words.isEmpty()) { // Redis ignores a blank line
      byte[][] inline = words.toArray(new byte[0][]);
      unreported += heldBytes(inline);
      out.add(inline);
    }
    return true;
  }

  /** Reads (part of) the next argument; false if more bytes are needed. */
  private boolean readArgument(ByteBuf in) {
    if (bulkLength < 0) {
      byte type = in.getByte(in.readerIndex());
      if (type != '$') {
        throw protocolError("expected '$', got '" + (char) type + "'");
      }
      long length = readNumberLine(in, "invalid bulk length", "too big bulk count string");
      if (length == Long.MIN_VALUE) {
        return false;
      }
      if (length < 0) {
        throw protocolError("invalid bulk length " + length);
      }
      if (length > maxBulkBytes) {
        throw protocolError("invalid bulk length " + length + " (more than proto-max-bulk-len " + maxBulkBytes + ")");
      }
      declaredBytes += length;
      if (declaredBytes > maxRequestBytes) {
        throw protocolError("request larger than client-query-buffer-limit " + maxRequestBytes + " bytes");
      }
      bulkLength = (int) length;
      bulkCounted = 0;
      unreported += ARG_OVERHEAD_BYTES;
    }
    int arrived = Math.min(in.readableBytes(), bulkLength);
    if (arrived > bulkCounted) {
      unreported += arrived - bulkCounted;
      bulkCounted = arrived;
    }
    if (in.readableBytes() < bulkLength + 2) {
      return false;
    }
    int end = in.readerIndex() + bulkLength;
    if (in.getByte(end) != '\r' || in.getByte(end + 1) != '\n') {
      throw protocolError("expected CRLF after a bulk string of " + bulkLength + " bytes");
    }
    byte[] arg = new byte[bulkLength];
    in.readBytes(arg);
    in.skipBytes(2);
    if (argIndex == args.length) {
      args = java.util.Arrays.copyOf(args, (int) Math.min(argCount, 2L * args.length));
    }
    args[argIndex++] = arg;
    bulkLength = -1;
    return true;
  }

  /**
   * Reads a header line ({@code *n} or {@code $n}, CRLF-terminated) and returns its number, or
   * {@link Long#MIN_VALUE} (nothing read) if the line is not complete yet.
   */
  private long readNumberLine(ByteBuf in, String invalid, String tooBig) {
    int start = in.readerIndex();
    int lf = in.indexOf(start, Math.min(in.writerIndex(), start + maxLineBytes + 2), (byte) '\n');
    if (lf < 0) {
      if (in.readableBytes() > maxLineBytes) {
        throw protocolError(tooBig);
      }
      return Long.MIN_VALUE;
    }
    int from = start + 1;
    int to = lf - 1; // the CR
    if (to < from || in.getByte(to) != '\r') {
      throw protocolError(invalid);
    }
    boolean negative = in.getByte(from) == '-';
    int p = negative ? from + 1 : from;
    if (p == to || to - p > MAX_DIGITS) {
      throw protocolError(invalid);
    }
    long n = 0;
    for (; p < to; p++) {
      int d = in.getByte(p) - '0';
      if (d < 0 || d > 9 || n > (Long.MAX_VALUE - d) / 10) {
        throw protocolError(invalid);
      }
      n = n * 10 + d;
    }
    in.readerIndex(lf + 1);
    return negative ? -n : n;
  }

  private static DecoderException protocolError(String reason) {
    return new DecoderException("Protocol error: " + reason);
  }

  /**
   * After each socket read: a request left incomplete gets a deadline, unless one is set. (Requests
   * that complete within the read they start in, nearly all of them, never schedule a timer.)
   */
  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
    if (requestTimeoutMillis > 0 && deadline == null && args != null && !failed) {
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
    if (args == null || failed) {
      return;
    }
    if (System.nanoTime() - requestStartNanos < TimeUnit.MILLISECONDS.toNanos(requestTimeoutMillis)) {
      scheduleDeadline(ctx);
      return;
    }
    LOG.debug("closing {}: request not complete within {} ms", ctx.channel().remoteAddress(), requestTimeoutMillis);
    failed = true; // whatever arrives from now on is dropped
    ctx.fireUserEventTriggered(TIMED_OUT);
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
