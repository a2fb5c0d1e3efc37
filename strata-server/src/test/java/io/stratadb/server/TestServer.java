package io.stratadb.server;

import io.stratadb.Options;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import redis.clients.jedis.Jedis;

/**
 * Test-only: a {@link RespServer} on a free loopback port over a scratch database, with a clock
 * the test moves ({@link #clock}), plus helpers to talk to it with Jedis or raw bytes.
 */
final class TestServer implements AutoCloseable {

  /** The server's clock in epoch ms; starts at a fixed instant and moves only when a test moves it. */
  final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
  final RespServer server;
  final Path dir;

  TestServer(Path dir) {
    this(dir, b -> b);
  }

  TestServer(Path dir, UnaryOperator<ServerConfig.Builder> config) {
    this.dir = dir;
    this.server = RespServer.start(dir, Options.defaults(),
        config.apply(ServerConfig.builder().port(0).ioThreads(2).clockMillis(clock::get)).build());
  }

  int port() {
    return server.port();
  }

  /** A new Jedis client; the caller closes it. */
  Jedis jedis() {
    return new Jedis("127.0.0.1", port(), 10_000);
  }

  /** A raw socket with a read timeout, so a test that expects an answer cannot hang. */
  Socket socket() throws IOException {
    Socket s = new Socket("127.0.0.1", port());
    s.setSoTimeout(10_000);
    return s;
  }

  /** Sends {@code bytes} and reads until the server closes the connection (or the timeout). */
  static String sendAndReadToEof(Socket s, byte[] bytes) throws IOException {
    OutputStream out = s.getOutputStream();
    try {
      out.write(bytes);
      out.flush();
    } catch (IOException closedWhileWriting) {
      // The server may close before it has read everything; what it replied is still readable.
    }
    return readToEof(s);
  }

  /** Reads until the server closes the connection. */
  static String readToEof(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }

  /** A RESP array of bulk strings, as clients send commands. */
  static byte[] resp(String... args) {
    StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
    for (String a : args) {
      sb.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    server.close();
  }
}
