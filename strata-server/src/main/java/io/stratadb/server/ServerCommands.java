package io.stratadb.server;

import io.netty.handler.codec.redis.IntegerRedisMessage;
import io.netty.handler.codec.redis.RedisMessage;
import io.stratadb.Db;
import io.stratadb.DbStats;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Commands about the server: INFO, COMMAND (COUNT, INFO, LIST, DOCS), CONFIG GET and SHUTDOWN
 * (redis.io command reference). COMMAND and CONFIG GET say enough for redis-cli and
 * redis-benchmark; COMMAND DOCS answers with no docs, which redis-cli accepts. Thread-safe.
 */
final class ServerCommands {

  /** Longer than any parameter name CONFIG GET knows. */
  private static final int CONFIG_NAME_MAX_BYTES = 64;

  private final Supplier<CommandTable> table;
  private final ServerConfig config;
  private final ServerStats stats;
  private final ClientMemoryBudget clientMemory;
  private final Db db;
  private final Runnable shutdown;
  private Replication replication; // null unless a cluster node; set before the table is built

  /**
   * @param table the full command table (supplied late: it contains these commands)
   * @param shutdown starts a graceful shutdown without waiting for it
   */
  ServerCommands(Supplier<CommandTable> table, ServerConfig config, ServerStats stats, ClientMemoryBudget clientMemory,
      Db db, Runnable shutdown) {
    this.table = table;
    this.config = config;
    this.stats = stats;
    this.clientMemory = clientMemory;
    this.db = db;
    this.shutdown = shutdown;
  }

  /** Adds INFO's {@code replication} section, from {@code replication} (a cluster node). */
  ServerCommands replication(Replication replication) {
    this.replication = replication;
    return this;
  }

  /** Adds the commands to {@code table}. */
  void register(CommandTable.Builder builder) {
    builder.add("info", -1, "", 0, 0, 0, this::info);
    builder.add("command", -1, "", 0, 0, 0, this::command);
    builder.add("config", -2, "", 0, 0, 0, this::config);
    builder.add("shutdown", -1, "", 0, 0, 0, this::shutdown);
  }

  private RedisMessage info(ClientSession s, byte[][] args) {
    Map<String, Map<String, Object>> sections = new LinkedHashMap<>();
    Map<String, Object> server = new LinkedHashMap<>();
    server.put("redis_version", ConnectionCommands.REDIS_VERSION);
    server.put("strata_server", "strata serve");
    server.put("redis_mode", "standalone");
    server.put("process_id", ProcessHandle.current().pid());
    server.put("tcp_port", config.port());
    server.put("uptime_in_seconds", (System.currentTimeMillis() - stats.startMillis()) / 1000);
    server.put("io_threads", config.ioThreads());
    sections.put("Server", server);
    Map<String, Object> clients = new LinkedHashMap<>();
    clients.put("connected_clients", stats.connected().get());
    clients.put("maxclients", config.maxClients());
    sections.put("Clients", clients);
    Map<String, Object> memory = new LinkedHashMap<>();
    memory.put("mem_clients_normal", clientMemory.used());
    memory.put("maxmemory_clients", clientMemory.limit());
    sections.put("Memory", memory);
    Map<String, Object> st = new LinkedHashMap<>();
    st.put("total_connections_received", stats.connectionsReceived().sum());
    st.put("total_commands_processed", stats.commandsProcessed().sum());
    st.put("rejected_connections", stats.rejectedConnections().sum());
    sections.put("Stats", st);
    sections.put("Persistence", Map.of("loading", 0, "aof_enabled", 0));
    if (replication != null) {
      sections.put("Replication", replication.info());
    }
    sections.put("Strata", engineStats(db.stats()));
    List<String> wanted = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      wanted.add(Args.utf8(args[i]).toLowerCase(Locale.ROOT));
    }
    boolean all = wanted.isEmpty() || wanted.contains("all") || wanted.contains("everything")
        || wanted.contains("default");
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Map<String, Object>> section : sections.entrySet()) {
      if (!all && !wanted.contains(section.getKey().toLowerCase(Locale.ROOT))) {
        continue;
      }
      if (sb.length() > 0) {
        sb.append("\r\n");
      }
      sb.append("# ").append(section.getKey()).append("\r\n");
      section.getValue().forEach((k, v) -> sb.append(k).append(':').append(v).append("\r\n"));
    }
    return Reply.bulk(sb.toString());
  }

  /** The engine's statistics ({@link Db#stats()}), one INFO field each. */
  private static Map<String, Object> engineStats(DbStats d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("compaction_strategy", d.compactionStrategy());
    m.put("last_sequence", d.lastSequence());
    m.put("memtable_bytes", d.memtableBytes());
    m.put("immutable_memtables", d.immutableMemtables());
    m.put("immutable_memtable_bytes", d.immutableMemtableBytes());
    m.put("table_bytes", d.totalTableBytes());
    for (DbStats.LevelStats l : d.levels()) {
      m.put("level" + l.level(), "files=" + l.files() + ",bytes=" + l.bytes() + ",score="
          + String.format(Locale.ROOT, "%.2f", l.score()));
    }
    m.put("flush_count", d.flushCount());
    m.put("compaction_count", d.compactionCount());
    m.put("trivial_move_count", d.trivialMoveCount());
    m.put("bytes_ingested", d.bytesIngested());
    m.put("flush_bytes_written", d.flushBytesWritten());
    m.put("compaction_bytes_read", d.compactionBytesRead());
    m.put("compaction_bytes_written", d.compactionBytesWritten());
    m.put("write_amplification", String.format(Locale.ROOT, "%.2f", d.writeAmplification()));
    m.put("write_stall_count", d.writeStallCount());
    m.put("slowdown_count", d.slowdownCount());
    m.put("stop_count", d.stopCount());
    m.put("stall_millis", d.stallMillis());
    m.put("pending_compaction_bytes", d.pendingCompactionBytes());
    m.put("block_cache_hits", d.blockCacheHits());
    m.put("block_cache_misses", d.blockCacheMisses());
    return m;
  }

  private RedisMessage command(ClientSession s, byte[][] args) {
    CommandTable t = table.get();
    if (args.length == 1) {
      List<RedisMessage> out = new ArrayList<>();
      t.all().forEach(spec -> out.add(describe(spec)));
      return Reply.array(out);
    }
    byte[] sub = args[1];
    if (Args.is(sub, "count") && args.length == 2) {
      return Reply.integer(t.all().size());
    }
    if (Args.is(sub, "list") && args.length == 2) {
      List<RedisMessage> out = new ArrayList<>();
      t.all().forEach(spec -> out.add(Reply.bulk(spec.name())));
      return Reply.array(out);
    }
    if (Args.is(sub, "info")) {
      List<RedisMessage> out = new ArrayList<>();
      for (int i = 2; i < args.length; i++) {
        CommandSpec spec = t.lookup(args[i]);
        out.add(spec == null ? Reply.NULL : describe(spec));
      }
      return Reply.array(out);
    }
    if (Args.is(sub, "docs")) {
      return Reply.array(List.of());
    }
    throw new RedisError("ERR unknown subcommand '" + Args.utf8(sub) + "'. Try COMMAND HELP.");
  }

  /** One COMMAND INFO entry: name, arity, flags, first key, last key, step, ACL categories, tips, key specs, subcommands. */
  private static RedisMessage describe(CommandSpec spec) {
    List<RedisMessage> flags = new ArrayList<>();
    spec.flags().forEach(f -> flags.add(Reply.simple(f)));
    return Reply.array(List.of(Reply.bulk(spec.name()), new IntegerRedisMessage(spec.arity()), Reply.array(flags),
        new IntegerRedisMessage(spec.firstKey()), new IntegerRedisMessage(spec.lastKey()),
        new IntegerRedisMessage(spec.keyStep()), Reply.array(List.of()), Reply.array(List.of()),
        Reply.array(List.of()), Reply.array(List.of())));
  }

  /** CONFIG GET with the parameters clients ask for; other subcommands are refused. */
  private RedisMessage config(ClientSession s, byte[][] args) {
    if (!Args.is(args[1], "get")) {
      throw new RedisError("ERR unknown subcommand '" + Args.utf8(args[1]) + "'. Try CONFIG HELP.");
    }
    if (args.length < 3) {
      throw RedisError.arity("config|get");
    }
    Map<String, String> params = new LinkedHashMap<>();
    params.put("save", "");
    params.put("appendonly", "no");
    params.put("databases", "1");
    params.put("port", Integer.toString(config.port()));
    params.put("bind", config.bind());
    params.put("maxclients", Integer.toString(config.maxClients()));
    params.put("proto-max-bulk-len", Integer.toString(config.maxBulkBytes()));
    params.put("client-query-buffer-limit", Long.toString(config.maxRequestBytes()));
    params.put("maxmemory-clients", Long.toString(config.maxClientMemory()));
    params.put("max-reply-bytes", Long.toString(config.maxReplyBytes()));
    params.put("timeout", Long.toString(config.idleTimeoutMillis() / 1000));
    params.put("request-timeout", Long.toString(config.requestTimeoutMillis() / 1000));
    params.put("appendfsync", config.walSync().toString());
    params.put("wal-sync", config.walSync().toString());
    List<GlobPattern> patterns = new ArrayList<>();
    for (int i = 2; i < args.length; i++) { // each compiled once: a pattern may be megabytes long
      byte[] lower = args[i].clone();
      for (int k = 0; k < lower.length; k++) {
        if (lower[k] >= 'A' && lower[k] <= 'Z') {
          lower[k] += 'a' - 'A';
        }
      }
      patterns.add(GlobPattern.compile(lower, CONFIG_NAME_MAX_BYTES));
    }
    List<RedisMessage> out = new ArrayList<>();
    for (Map.Entry<String, String> p : params.entrySet()) {
      for (GlobPattern pattern : patterns) {
        if (pattern.matches(p.getKey().getBytes(StandardCharsets.UTF_8))) {
          out.add(Reply.bulk(p.getKey()));
          out.add(Reply.bulk(p.getValue()));
          break;
        }
      }
    }
    return Reply.array(out);
  }

  /** {@code SHUTDOWN [NOSAVE | SAVE] [NOW] [FORCE]}: every write is already durable, so the modes are equal. */
  private RedisMessage shutdown(ClientSession s, byte[][] args) {
    for (int i = 1; i < args.length; i++) {
      if (Args.is(args[i], "abort")) {
        throw new RedisError("ERR No shutdown in progress.");
      }
      if (!(Args.is(args[i], "nosave") || Args.is(args[i], "save") || Args.is(args[i], "now")
          || Args.is(args[i], "force"))) {
        throw RedisError.syntax();
      }
    }
    shutdown.run();
    return null;
  }
}
