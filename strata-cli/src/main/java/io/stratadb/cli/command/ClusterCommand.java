package io.stratadb.cli.command;

import io.stratadb.cli.CliCommand;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * {@code strata cluster status|add ID HOST:PORT|remove ID --server HOST:PORT}: membership of a
 * replicated cluster, through the {@code CLUSTER STATUS/ADD/REMOVE} commands of any member's Redis
 * port (Jedis as the client). The password, if the node needs one, comes from {@code
 * STRATA_PASSWORD}, as the server's does. Exit code 2 for bad arguments; 1 with the node's error
 * reply ({@code CLUSTERDOWN ...}, {@code UNKNOWN ...}, {@code ERR ...}) or when the node cannot be
 * reached. Not thread-safe.
 */
@Command(name = "cluster",
    description = "Membership of a replicated cluster (strata serve --cluster), through any member's Redis port: "
        + "'status' prints the node asked (role, leader, term, commit and applied index) and each member (address, "
        + "commit index, lag); 'add ID HOST:PORT' adds a node started with --join (it catches up from the leader, by "
        + "snapshot if need be); 'remove ID' removes a member, live or dead. To replace a dead node, add the new one, "
        + "then remove the dead one. add and remove return once the new configuration is committed.")
public final class ClusterCommand extends CliCommand {

  @Parameters(index = "0", paramLabel = "ACTION", description = "status, add or remove.")
  String action;

  @Parameters(index = "1..*", paramLabel = "ARG", arity = "0..2",
      description = "add: ID HOST:PORT (the new node's --node-id and its Raft address as the others dial it); "
          + "remove: ID.")
  List<String> args = new ArrayList<>();

  @Option(names = "--server", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:6379",
      description = "A member's Redis port (default: ${DEFAULT-VALUE}).")
  String server;

  @Override
  protected int run() {
    List<String> command = new ArrayList<>();
    String a = action.toLowerCase(Locale.ROOT);
    int wanted = switch (a) {
      case "status" -> 0;
      case "add" -> 2;
      case "remove" -> 1;
      default -> throw usageError("unknown action '" + action + "': status, add or remove");
    };
    if (args.size() != wanted) {
      throw usageError(a + " takes " + wanted + " argument" + (wanted == 1 ? "" : "s")
          + (wanted == 0 ? "" : wanted == 1 ? " (ID)" : " (ID HOST:PORT)") + ", got " + args.size());
    }
    command.add(a.toUpperCase(Locale.ROOT));
    command.addAll(args);
    int colon = server.lastIndexOf(':');
    int port = colon <= 0 ? -1 : parsePort(server.substring(colon + 1));
    if (port < 1) {
      throw usageError("--server " + server + " is not host:port");
    }
    String password = System.getenv("STRATA_PASSWORD");
    try (Jedis jedis = new Jedis(server.substring(0, colon), port, 30_000, 120_000)) {
      if (password != null && !password.isEmpty()) {
        jedis.auth(password);
      }
      for (String line : lines(jedis.sendCommand(Protocol.Command.CLUSTER, command.toArray(new String[0])))) {
        out().println(line);
      }
      return 0;
    } catch (JedisDataException e) { // the node's error reply
      err().println("strata cluster: " + e.getMessage());
      return EXIT_FAILURE;
    } catch (JedisConnectionException e) {
      err().println("strata cluster: cannot reach " + server + ": " + e.getMessage());
      return EXIT_FAILURE;
    }
  }

  /** The port, or -1 if {@code s} is not one. */
  private static int parsePort(String s) {
    try {
      int p = Integer.parseInt(s);
      return p <= 65535 ? p : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** A reply as lines: a list's items one per line (nested lists flattened), anything else as one. */
  private static List<String> lines(Object reply) {
    List<String> out = new ArrayList<>();
    if (reply instanceof List<?> items) {
      for (Object item : items) {
        out.addAll(lines(item));
      }
    } else if (reply instanceof byte[] bytes) {
      out.add(new String(bytes, StandardCharsets.UTF_8));
    } else {
      out.add(String.valueOf(reply));
    }
    return out;
  }
}
