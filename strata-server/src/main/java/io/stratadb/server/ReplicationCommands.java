package io.stratadb.server;

import io.netty.handler.codec.redis.RedisMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * ROLE and CLUSTER on a cluster node, answered by its {@link Replication}: ROLE says whether this
 * node leads and how far the followers lag; CLUSTER ADD, REMOVE and STATUS change and show the
 * membership (docs/cluster.md). Registered only when the server is a cluster node. Thread-safe.
 */
final class ReplicationCommands {

  private final Replication replication;

  ReplicationCommands(Replication replication) {
    this.replication = replication;
  }

  /** Adds the commands to {@code table}. */
  void register(CommandTable.Builder table) {
    table.add("role", 1, "fast", 0, 0, 0, (s, a) -> toReply(replication.role()));
    table.add("cluster", -2, "", 0, 0, 0, this::cluster);
  }

  private RedisMessage cluster(ClientSession s, byte[][] args) {
    List<String> rest = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      rest.add(Args.utf8(args[i]));
    }
    try {
      return toReply(replication.cluster(rest));
    } catch (IllegalArgumentException e) {
      throw new RedisError("ERR " + e.getMessage());
    }
  }

  /** A {@link String} as a bulk string, a {@link Long} or {@link Integer} as an integer, a list as an array. */
  static RedisMessage toReply(Object o) {
    if (o instanceof String str) {
      return Reply.bulk(str);
    }
    if (o instanceof Long || o instanceof Integer) {
      return Reply.integer(((Number) o).longValue());
    }
    if (o instanceof List<?> list) {
      List<RedisMessage> items = new ArrayList<>(list.size());
      for (Object item : list) {
        items.add(toReply(item));
      }
      return Reply.array(items);
    }
    throw new IllegalStateException("no reply for " + o);
  }
}
