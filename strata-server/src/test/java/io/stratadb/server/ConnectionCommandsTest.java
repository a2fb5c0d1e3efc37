package io.stratadb.server;

import static io.stratadb.server.StringCommandsTest.error;
import static io.stratadb.server.TestServer.resp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.util.SafeEncoder;

class ConnectionCommandsTest {

  @TempDir Path dir;

  @Test
  void pingEchoSelectClient() {
    try (TestServer server = new TestServer(dir); Jedis jedis = server.jedis()) {
      assertEquals("PONG", jedis.ping());
      assertEquals("hi", jedis.ping("hi"));
      assertEquals("hello", jedis.echo("hello"));
      assertEquals("OK", jedis.select(0));
      assertEquals("ERR DB index is out of range", error(() -> jedis.select(1)));
      assertNull(jedis.clientGetname());
      assertEquals("OK", jedis.clientSetname("worker-1"));
      assertEquals("worker-1", jedis.clientGetname());
      assertEquals("ERR Client names cannot contain spaces, newlines or special characters.",
          error(() -> jedis.clientSetname("a b")));
      assertTrue(jedis.clientId() > 0);
      assertEquals("ERR unknown subcommand 'bogus'. Try CLIENT HELP.",
          error(() -> jedis.sendCommand(Cmd.of("CLIENT"), "bogus")));
      assertEquals("ERR wrong number of arguments for 'ping' command",
          error(() -> jedis.sendCommand(Cmd.of("PING"), "a", "b")));
    }
  }

  @Test
  void unknownCommandsAndWrongArityUseRedisText() {
    try (TestServer server = new TestServer(dir); Jedis jedis = server.jedis()) {
      assertEquals("ERR unknown command 'foo', with args beginning with: 'a' 'b' ",
          error(() -> jedis.sendCommand(Cmd.of("foo"), "a", "b")));
      assertEquals("ERR unknown command 'foo', with args beginning with: ", error(() -> jedis.sendCommand(Cmd.of("foo"))));
      assertEquals("ERR wrong number of arguments for 'get' command", error(() -> jedis.sendCommand(Cmd.of("GET"))));
      assertEquals("ERR wrong number of arguments for 'echo' command", error(() -> jedis.sendCommand(Cmd.of("ECHO"))));
      assertEquals("v", jedis.set("k", "v").equals("OK") ? jedis.get("k") : null, "still usable after errors");
    }
  }

  @Test
  void helloSpeaksResp2Only() {
    try (TestServer server = new TestServer(dir); Jedis jedis = server.jedis()) {
      @SuppressWarnings("unchecked")
      List<Object> hello = (List<Object>) jedis.sendCommand(Cmd.of("HELLO"), "2", "SETNAME", "h");
      assertEquals("server", SafeEncoder.encode((byte[]) hello.get(0)));
      assertEquals("proto", SafeEncoder.encode((byte[]) hello.get(4)));
      assertEquals(2L, hello.get(5));
      assertEquals("h", jedis.clientGetname());
      assertEquals("NOPROTO unsupported protocol version", error(() -> jedis.sendCommand(Cmd.of("HELLO"), "3")));
      assertEquals("ERR Protocol version is not an integer or out of range",
          error(() -> jedis.sendCommand(Cmd.of("HELLO"), "x")));
    }
  }

  @Test
  void authWithRequirepass() throws Exception {
    try (TestServer server = new TestServer(dir, b -> b.requirePass("s3cret")); Jedis jedis = server.jedis()) {
      assertEquals("NOAUTH Authentication required.", error(() -> jedis.get("k")));
      assertEquals("NOAUTH Authentication required.", error(jedis::ping));
      assertEquals("WRONGPASS invalid username-password pair or user is disabled.", error(() -> jedis.auth("nope")));
      assertEquals("WRONGPASS invalid username-password pair or user is disabled.",
          error(() -> jedis.auth("alice", "s3cret")));
      assertEquals("NOAUTH Authentication required.", error(() -> jedis.set("k", "v")));
      assertEquals("OK", jedis.auth("s3cret"));
      assertEquals("OK", jedis.set("k", "v"));
      try (Jedis acl = server.jedis()) {
        assertEquals("OK", acl.auth("default", "s3cret"));
        assertEquals("v", acl.get("k"));
      }
      try (Jedis viaHello = server.jedis()) {
        assertTrue(error(() -> viaHello.sendCommand(Cmd.of("HELLO"), "2")).startsWith("NOAUTH HELLO must be called"));
        viaHello.sendCommand(Cmd.of("HELLO"), "2", "AUTH", "default", "s3cret");
        assertEquals("v", viaHello.get("k"));
      }
      try (Socket s = server.socket()) {
        String reply = TestServer.sendAndReadToEof(s, concat(resp("GET", "k"), resp("QUIT")));
        assertEquals("-NOAUTH Authentication required.\r\n+OK\r\n", reply);
      }
    }
  }

  @Test
  void userNamesAreCaseSensitiveAsRedisAclUsers() {
    try (TestServer server = new TestServer(dir, b -> b.requirePass("s3cret")); Jedis jedis = server.jedis()) {
      assertEquals("WRONGPASS invalid username-password pair or user is disabled.",
          error(() -> jedis.auth("DEFAULT", "s3cret")));
      assertEquals("WRONGPASS invalid username-password pair or user is disabled.",
          error(() -> jedis.sendCommand(Cmd.of("HELLO"), "2", "AUTH", "Default", "s3cret")));
      assertEquals("NOAUTH Authentication required.", error(() -> jedis.get("k")));
      assertEquals("OK", jedis.auth("default", "s3cret"));
    }
    try (TestServer server = new TestServer(dir.resolve("nopass")); Jedis jedis = server.jedis()) {
      assertEquals("WRONGPASS invalid username-password pair or user is disabled.",
          error(() -> jedis.auth("DEFAULT", "anything")), "no such user, password or not");
    }
  }

  @Test
  void helloWithAnErrorAuthenticatesNothing() {
    try (TestServer server = new TestServer(dir, b -> b.requirePass("s3cret")); Jedis jedis = server.jedis()) {
      assertEquals("ERR Syntax error in HELLO option 'BOGUS'",
          error(() -> jedis.sendCommand(Cmd.of("HELLO"), "2", "AUTH", "default", "s3cret", "BOGUS")));
      assertEquals("NOAUTH Authentication required.", error(() -> jedis.get("k")));
      assertEquals("ERR Client names cannot contain spaces, newlines or special characters.",
          error(() -> jedis.sendCommand(Cmd.of("HELLO"), "2", "AUTH", "default", "s3cret", "SETNAME", "a b")));
      assertEquals("NOAUTH Authentication required.", error(() -> jedis.get("k")));
      jedis.sendCommand(Cmd.of("HELLO"), "2", "AUTH", "default", "s3cret", "SETNAME", "ok");
      assertEquals("ok", jedis.clientGetname());
    }
  }

  @Test
  void authWithoutAPasswordConfigured() {
    try (TestServer server = new TestServer(dir); Jedis jedis = server.jedis()) {
      assertEquals("ERR AUTH <password> called without any password configured for the default user. "
          + "Are you sure your configuration is correct?", error(() -> jedis.auth("x")));
      assertEquals("OK", jedis.auth("default", "anything"));
    }
  }

  @Test
  void quitRepliesAndCloses() throws Exception {
    try (TestServer server = new TestServer(dir); Socket s = server.socket()) {
      String reply = TestServer.sendAndReadToEof(s, concat(resp("PING"), resp("QUIT"), resp("PING")));
      assertEquals("+PONG\r\n+OK\r\n", reply);
    }
  }

  @Test
  void inlineCommandsWork() throws Exception {
    try (TestServer server = new TestServer(dir); Socket s = server.socket()) {
      String reply = TestServer.sendAndReadToEof(s, "SET k hello\r\nGET k\r\n\r\nQUIT\r\n".getBytes(StandardCharsets.UTF_8));
      assertEquals("+OK\r\n$5\r\nhello\r\n+OK\r\n", reply);
    }
  }

  @Test
  void inlineCommandsAreQuotedAsRedisSplitsThem() throws Exception {
    try (TestServer server = new TestServer(dir)) {
      try (Socket s = server.socket()) {
        String reply = TestServer.sendAndReadToEof(s, ("SET \"a b\" 'it\\'s'\r\nGET \"a b\"\r\n"
            + "SET \"\\x41\\x42\\n\" \"\"\r\nSTRLEN AB\r\nEXISTS \"AB\\n\"\r\nQUIT\r\n").getBytes(StandardCharsets.UTF_8));
        assertEquals("+OK\r\n$4\r\nit's\r\n+OK\r\n:0\r\n:1\r\n+OK\r\n", reply);
      }
      try (Socket s = server.socket()) {
        String reply = TestServer.sendAndReadToEof(s, "SET \"a b\r\nPING\r\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("-ERR Protocol error: unbalanced quotes in request\r\n", reply);
      }
      try (Jedis jedis = server.jedis()) {
        assertEquals(false, jedis.exists("\"a"), "the unbalanced SET stored nothing");
        assertEquals("it's", jedis.get("a b"));
      }
    }
  }

  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
