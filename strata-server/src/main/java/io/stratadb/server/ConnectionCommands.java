package io.stratadb.server;

import io.netty.handler.codec.redis.IntegerRedisMessage;
import io.netty.handler.codec.redis.RedisMessage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Commands about the connection: PING, ECHO, HELLO, AUTH, CLIENT (SETNAME, GETNAME, ID, SETINFO,
 * INFO), SELECT and QUIT (redis.io command reference, Redis 7 error texts).
 *
 * <p>Only RESP2 is spoken: Netty's codec has no RESP3 types, so {@code HELLO 3} gets Redis's
 * {@code NOPROTO} error and clients fall back to RESP2. Authentication is Redis's {@code
 * requirepass}: one password for the user {@code default}. Thread-safe.
 */
final class ConnectionCommands {

  /** The Redis version HELLO and INFO report, so clients enable the commands we serve. */
  static final String REDIS_VERSION = "7.0.0";

  private static final String NOAUTH_HELLO = "NOAUTH HELLO must be called with the client already "
      + "authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate "
      + "the client and select the RESP protocol version at the same time";

  /** The one user, Redis's {@code default}. */
  private static final byte[] DEFAULT_USER = "default".getBytes(StandardCharsets.US_ASCII);

  private final byte[] requirePass;

  /** @param requirePass the password, or null when none is needed */
  ConnectionCommands(String requirePass) {
    this.requirePass = requirePass == null ? null : requirePass.getBytes(StandardCharsets.UTF_8);
  }

  /** Adds the commands to {@code table}. */
  void register(CommandTable.Builder table) {
    table.add("ping", -1, "fast", 0, 0, 0, this::ping);
    table.add("echo", 2, "fast", 0, 0, 0, (s, a) -> Reply.bulk(a[1]));
    table.addNoAuth("hello", -1, "fast", this::hello);
    table.addNoAuth("auth", -2, "fast", this::auth);
    table.add("client", -2, "", 0, 0, 0, this::client);
    table.add("select", 2, "fast", 0, 0, 0, this::select);
    table.addNoAuth("quit", -1, "fast", (s, a) -> {
      s.closeAfterReply(true);
      return Reply.OK;
    });
  }

  private RedisMessage ping(ClientSession s, byte[][] args) {
    if (args.length > 2) {
      throw RedisError.arity("ping");
    }
    return args.length == 2 ? Reply.bulk(args[1]) : Reply.simple("PONG");
  }

  /** {@code HELLO [protover [AUTH user pass] [SETNAME name]]}. */
  private RedisMessage hello(ClientSession s, byte[][] args) {
    if (args.length >= 2) {
      Long version = Args.tryParseLong(args[1]);
      if (version == null) {
        throw new RedisError("ERR Protocol version is not an integer or out of range");
      }
      if (version != 2) {
        throw new RedisError("NOPROTO unsupported protocol version");
      }
    }
    // As Redis does: parse every option first, so an error anywhere changes nothing (no AUTH, no name).
    String name = null;
    byte[] user = null;
    byte[] password = null;
    for (int i = 2; i < args.length; i++) {
      if (Args.is(args[i], "auth") && i + 2 < args.length) {
        user = args[i + 1];
        password = args[i + 2];
        i += 2;
      } else if (Args.is(args[i], "setname") && i + 1 < args.length) {
        name = checkName(args[++i]);
      } else {
        throw new RedisError("ERR Syntax error in HELLO option '" + Args.utf8(args[i]) + "'");
      }
    }
    if (user != null) {
      authenticate(s, user, password);
    }
    if (!s.authenticated()) {
      throw new RedisError(NOAUTH_HELLO);
    }
    if (name != null) {
      s.name(name);
    }
    List<RedisMessage> out = new ArrayList<>();
    out.add(Reply.bulk("server"));
    out.add(Reply.bulk("redis"));
    out.add(Reply.bulk("version"));
    out.add(Reply.bulk(REDIS_VERSION));
    out.add(Reply.bulk("proto"));
    out.add(new IntegerRedisMessage(2));
    out.add(Reply.bulk("id"));
    out.add(Reply.integer(s.id()));
    out.add(Reply.bulk("mode"));
    out.add(Reply.bulk("standalone"));
    out.add(Reply.bulk("role"));
    out.add(Reply.bulk("master"));
    out.add(Reply.bulk("modules"));
    out.add(Reply.array(List.of()));
    return Reply.array(out);
  }

  /** {@code AUTH password} or {@code AUTH username password}. */
  private RedisMessage auth(ClientSession s, byte[][] args) {
    if (args.length > 3) {
      throw RedisError.syntax();
    }
    if (args.length == 2 && requirePass == null) {
      throw new RedisError("ERR AUTH <password> called without any password configured for the default "
          + "user. Are you sure your configuration is correct?");
    }
    authenticate(s, args.length == 3 ? args[1] : DEFAULT_USER,
        args[args.length - 1]);
    return Reply.OK;
  }

  /**
   * Authenticates as {@code user} or throws WRONGPASS; without a password any one is accepted, as
   * in Redis. User names are case-sensitive, as Redis's ACL users are: {@code DEFAULT} is not
   * {@code default}.
   */
  private void authenticate(ClientSession s, byte[] user, byte[] password) {
    boolean ok = Arrays.equals(user, DEFAULT_USER)
        && (requirePass == null || MessageDigest.isEqual(requirePass, password));
    if (!ok) {
      throw new RedisError("WRONGPASS invalid username-password pair or user is disabled.");
    }
    s.authenticate();
  }

  private RedisMessage client(ClientSession s, byte[][] args) {
    byte[] sub = args[1];
    if (Args.is(sub, "setname") && args.length == 3) {
      s.name(checkName(args[2]));
      return Reply.OK;
    }
    if (Args.is(sub, "getname") && args.length == 2) {
      return s.name() == null ? Reply.NULL : Reply.bulk(s.name());
    }
    if (Args.is(sub, "id") && args.length == 2) {
      return Reply.integer(s.id());
    }
    if (Args.is(sub, "setinfo") && args.length == 4) {
      // Client libraries (Jedis 5, redis-py 5) announce themselves; nothing to keep.
      return Reply.OK;
    }
    if (Args.is(sub, "info") && args.length == 2) {
      return Reply.bulk("id=" + s.id() + " name=" + (s.name() == null ? "" : s.name()) + " db=0 resp=2\n");
    }
    if (Args.is(sub, "setname") || Args.is(sub, "getname") || Args.is(sub, "id") || Args.is(sub, "setinfo")
        || Args.is(sub, "info")) {
      throw new RedisError("ERR wrong number of arguments for 'client|"
          + Args.utf8(sub).toLowerCase(Locale.ROOT) + "' command");
    }
    throw new RedisError("ERR unknown subcommand '" + Args.utf8(sub) + "'. Try CLIENT HELP.");
  }

  /** Client names: printable ASCII without spaces, as Redis requires. */
  private static String checkName(byte[] name) {
    for (byte b : name) {
      if (b < '!' || b > '~') {
        throw new RedisError("ERR Client names cannot contain spaces, newlines or special characters.");
      }
    }
    return Args.utf8(name);
  }

  private RedisMessage select(ClientSession s, byte[][] args) {
    long db = Args.parseLong(args[1]);
    if (db != 0) {
      throw new RedisError("ERR DB index is out of range");
    }
    return Reply.OK;
  }
}
