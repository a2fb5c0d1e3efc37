package io.stratadb.cluster.nemesis;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;

/** The harness's tests' stand-in server: echoes every byte back, one daemon thread per connection. */
final class EchoServer {
  private EchoServer() {}

  /** Accepts connections on {@code server} until it is closed; returns then. */
  static void serve(ServerSocket server) {
    while (true) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException closed) {
        return;
      }
      Thread t = new Thread(() -> {
        try (s) {
          s.getInputStream().transferTo(s.getOutputStream());
        } catch (IOException e) {
          // the client or a proxy reset the connection: the tests check what the client saw
        }
      }, "echo-" + s.getPort());
      t.setDaemon(true);
      t.start();
    }
  }
}
