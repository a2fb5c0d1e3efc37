package io.stratadb.server;

import java.nio.charset.StandardCharsets;
import redis.clients.jedis.commands.ProtocolCommand;

/** Test-only: any command name for Jedis's {@code sendCommand}, including ones Jedis does not know. */
record Cmd(String name) implements ProtocolCommand {

  static Cmd of(String name) {
    return new Cmd(name);
  }

  @Override
  public byte[] getRaw() {
    return name.getBytes(StandardCharsets.UTF_8);
  }
}
