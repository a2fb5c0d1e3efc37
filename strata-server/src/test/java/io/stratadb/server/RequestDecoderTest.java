package io.stratadb.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link RequestDecoder} on an embedded channel: requests split anywhere, the limits, the accounting. */
class RequestDecoderTest {

  private final ClientMemoryBudget budget = new ClientMemoryBudget(1L << 30);

  private EmbeddedChannel channel() {
    EmbeddedChannel ch = new EmbeddedChannel();
    ServerConfig config = ServerConfig.builder().maxBulkBytes(1024).maxRequestBytes(2048).maxArgs(8)
        .maxInlineBytes(64).maxClientMemory(1 << 20).build();
    ch.pipeline().addLast(new RequestDecoder(config, new ConnectionFlow(ch, budget, 1 << 20)));
    return ch;
  }

  private static final String PIPELINE = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n"
      + "PING\r\n"
      + "ECHO \"a b\" 'c'\n" // inline, LF alone as Redis accepts
      + "\r\n" // a blank line: ignored
      + "*0\r\n*-1\r\n" // empty and null arrays: ignored
      + "*2\r\n$4\r\nECHO\r\n$5\r\n\r\n\0\r\n\r\n"; // a binary argument holding CR LF NUL CR LF

  private static final List<List<String>> DECODED = List.of(
      List.of("SET", "k", ""), List.of("PING"), List.of("ECHO", "a b", "c"), List.of("ECHO", "\r\n\0\r\n"));

  @Test
  void aPipelineDecodesTheSameWholeOrByteByByte() {
    EmbeddedChannel whole = channel();
    whole.writeInbound(Unpooled.copiedBuffer(PIPELINE, ISO_8859_1));
    List<byte[][]> all = drain(whole);
    assertEquals(DECODED, strings(all));

    EmbeddedChannel split = channel();
    List<byte[][]> bytes = new ArrayList<>();
    for (byte b : PIPELINE.getBytes(ISO_8859_1)) {
      split.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
      bytes.addAll(drain(split));
    }
    assertEquals(DECODED, strings(bytes));
  }

  @Test
  void everyRequestIsCountedInTheBudgetAsItsHeldBytes() {
    EmbeddedChannel ch = channel();
    byte[] pipeline = PIPELINE.getBytes(ISO_8859_1);
    ch.writeInbound(Unpooled.wrappedBuffer(pipeline, 0, 20)); // part of the first request: counted as it arrives
    long partial = budget.used();
    assertTrue(partial > 0 && partial < RequestDecoder.heldBytes(new byte[][] {"SET".getBytes(), "k".getBytes(), {}}),
        "partial: " + partial);
    ch.writeInbound(Unpooled.wrappedBuffer(pipeline, 20, pipeline.length - 20));
    long expected = 0;
    for (byte[][] args : drain(ch)) {
      expected += RequestDecoder.heldBytes(args);
    }
    assertEquals(expected, budget.used(), "what the handler lets go of after running them all");
  }

  @Test
  void limitsAndMalformedInputAreProtocolErrorsInRedisWords() {
    String[][] cases = {
      {"*9\r\n", "Protocol error: invalid multibulk length 9 (more than 8 arguments)"},
      {"*1\r\n$1025\r\n", "Protocol error: invalid bulk length 1025 (more than proto-max-bulk-len 1024)"},
      {"*1\r\n$2147483648\r\n", "Protocol error: invalid bulk length 2147483648 (more than proto-max-bulk-len 1024)"},
      {"*3\r\n" + ("$1000\r\n" + "x".repeat(1000) + "\r\n").repeat(2) + "$1000\r\n", // 3,000 > 2,048, before its content
        "Protocol error: request larger than client-query-buffer-limit 2048 bytes"},
      {"*x\r\n", "Protocol error: invalid multibulk length"},
      {"*1\r\n$abc\r\n", "Protocol error: invalid bulk length"},
      {"*1\r\n$99999999999999999999\r\n", "Protocol error: invalid bulk length"},
      {"*1\r\n$-1\r\n", "Protocol error: invalid bulk length -1"},
      {"$5\r\nhello\r\n", "Protocol error: expected '*', got '$'"},
      {"*1\r\n:5\r\n", "Protocol error: expected '$', got ':'"},
      {"*2\r\n*1\r\n", "Protocol error: expected '$', got '*'"},
      {"*1\r\n$1\r\nab\r\n", "Protocol error: expected CRLF after a bulk string of 1 bytes"},
      {"x".repeat(65), "Protocol error: too big inline request"},
      {"SET \"a\r\n", "Protocol error: unbalanced quotes in request"},
    };
    for (String[] c : cases) {
      EmbeddedChannel ch = channel();
      DecoderException e = assertThrows(DecoderException.class,
          () -> ch.writeInbound(Unpooled.copiedBuffer(c[0], ISO_8859_1)), c[0]);
      assertTrue(e.getMessage().startsWith(c[1]), c[0] + " -> " + e.getMessage());
      ch.writeInbound(Unpooled.copiedBuffer("PING\r\n", ISO_8859_1)); // dropped: the connection is closing
      assertNull(ch.readInbound(), c[0]);
    }
  }

  @Test
  void theRequestsBeforeAProtocolErrorArePassedOnFirst() {
    EmbeddedChannel ch = channel();
    assertThrows(DecoderException.class,
        () -> ch.writeInbound(Unpooled.copiedBuffer("PING\r\n*1\r\n$3\r\nGET\r\n$5\r\n", ISO_8859_1)));
    assertEquals(List.of(List.of("PING"), List.of("GET")), strings(drain(ch)));
  }

  private static List<byte[][]> drain(EmbeddedChannel ch) {
    List<byte[][]> out = new ArrayList<>();
    for (Object m; (m = ch.readInbound()) != null; ) {
      out.add((byte[][]) m);
    }
    return out;
  }

  private static List<List<String>> strings(List<byte[][]> requests) {
    return requests.stream().map(a -> Arrays.stream(a).map(b -> new String(b, ISO_8859_1)).toList()).toList();
  }

  @Test
  void aHeaderAloneAllocatesAtMostTheInitialSlotsAndArgumentsBeyondThemStillDecode() {
    EmbeddedChannel ch = new EmbeddedChannel();
    ServerConfig config = ServerConfig.builder().build(); // default maxArgs: 1 << 20
    RequestDecoder decoder = new RequestDecoder(config, new ConnectionFlow(ch, budget, 1 << 20));
    ch.pipeline().addLast(decoder);
    ch.writeInbound(Unpooled.copiedBuffer("*" + config.maxArgs() + "\r\n", ISO_8859_1));
    assertEquals(RequestDecoder.INITIAL_ARG_SLOTS, decoder.argSlots(), "a few header bytes, no 8 MiB array");
    ch.finishAndReleaseAll();

    EmbeddedChannel many = new EmbeddedChannel();
    many.pipeline().addLast(new RequestDecoder(config, new ConnectionFlow(many, budget, 1 << 20)));
    int n = 3 * RequestDecoder.INITIAL_ARG_SLOTS + 5;
    StringBuilder request = new StringBuilder("*" + n + "\r\n");
    for (int i = 0; i < n; i++) {
      String arg = Integer.toString(i);
      request.append('$').append(arg.length()).append("\r\n").append(arg).append("\r\n");
    }
    many.writeInbound(Unpooled.copiedBuffer(request, ISO_8859_1));
    List<byte[][]> decoded = drain(many);
    assertEquals(1, decoded.size());
    assertEquals(n, decoded.get(0).length);
    for (int i = 0; i < n; i++) {
      assertEquals(Integer.toString(i), new String(decoded.get(0)[i], ISO_8859_1));
    }
  }
}
