package io.stratadb.cluster.nemesis;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A stand-in node for the harness's own tests: takes a node's arguments, counts its starts in
 * {@code DB/starts}, echoes whatever a client sends on {@code --port}, prints {@code READY
 * <node-id>} once listening, and writes {@code DB/stopped} on a graceful (SIGTERM) exit.
 */
public final class FakeNodeMain {
  private FakeNodeMain() {}

  /**
   * @param args {@code --node-id N --port P --db DIR} among other node arguments
   * @throws IOException if the port cannot be bound or the directory written
   */
  public static void main(String[] args) throws IOException {
    String id = value(args, "--node-id");
    int port = Integer.parseInt(value(args, "--port"));
    Path db = Path.of(value(args, "--db"));
    Files.createDirectories(db);
    Files.writeString(db.resolve("starts"), "start\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    ServerSocket server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        Files.writeString(db.resolve("stopped"), "graceful\n", StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }));
    System.out.println("READY " + id);
    System.out.flush();
    EchoServer.serve(server);
  }

  private static String value(String[] args, String flag) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(flag)) {
        return args[i + 1];
      }
    }
    throw new IllegalArgumentException("missing " + flag);
  }
}
