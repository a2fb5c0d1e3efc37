package io.stratadb.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A Redis-style configuration file for {@code strata serve} (the format of {@code redis.conf}):
 * one directive per line, {@code name value...}, names in any case, arguments split and quoted
 * as Redis splits them ({@link InlineArgs}), blank lines and lines starting with {@code #}
 * ignored. A small subset of Redis's directives, plus four of the server's own:
 *
 * <pre>
 *   port 6379                        bind 127.0.0.1 (one address)
 *   requirepass secret               maxclients 10000
 *   proto-max-bulk-len 64mb          client-query-buffer-limit 256mb
 *   maxmemory-clients 1gb            timeout 0            (seconds; 0 is off)
 *   io-threads 2                     max-reply-bytes 128mb
 *   request-timeout 60               (seconds; 0 is off)
 *   wal-sync everysec                (always, everysec or no; {@code appendfsync} is the same)
 * </pre>
 *
 * <p>Sizes take Redis's units ({@code memtoll}): {@code k} = 1000, {@code kb} = 1024, {@code m},
 * {@code mb}, {@code g}, {@code gb}, in any case. As in Redis, the first bad line stops the
 * reading, and the error names the file and the line. Stateless and thread-safe.
 */
final class ConfigFile {

  private ConfigFile() {}

  /**
   * Applies every directive of {@code file} to {@code config}, in file order.
   *
   * @throws UncheckedIOException if the file cannot be read
   * @throws IllegalArgumentException naming the file, line and reason, for an unknown directive, a
   *     wrong argument count, a malformed number or a value out of range
   */
  static void apply(Path file, ServerConfig.Builder config) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read configuration file " + file + ": " + e.getMessage(), e);
    }
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      try {
        List<byte[]> args = InlineArgs.split(line.getBytes(StandardCharsets.UTF_8));
        if (!args.isEmpty()) {
          applyDirective(args, config);
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("configuration file " + file + ", line " + (i + 1) + " ('" + line + "'): "
            + e.getMessage(), e);
      }
    }
  }

  private static void applyDirective(List<byte[]> args, ServerConfig.Builder config) {
    String name = Args.utf8(args.get(0)).toLowerCase(Locale.ROOT);
    if (name.equals("bind") && args.size() > 2) {
      throw new IllegalArgumentException("only one bind address is supported");
    }
    if (args.size() != 2) {
      throw new IllegalArgumentException("Bad directive or wrong number of arguments");
    }
    String value = Args.utf8(args.get(1));
    switch (name) {
      case "port" -> config.port(toInt(number(value)));
      case "bind" -> config.bind(value);
      case "requirepass" -> config.requirePass(value);
      case "maxclients" -> config.maxClients(toInt(number(value)));
      case "proto-max-bulk-len" -> config.maxBulkBytes(toInt(memory(value)));
      case "client-query-buffer-limit" -> config.maxRequestBytes(memory(value));
      case "maxmemory-clients" -> config.maxClientMemory(memory(value));
      case "max-reply-bytes" -> config.maxReplyBytes(memory(value));
      case "timeout" -> config.idleTimeoutMillis(Math.multiplyExact(number(value), 1000L));
      case "request-timeout" -> config.requestTimeoutMillis(Math.multiplyExact(number(value), 1000L));
      case "io-threads" -> config.ioThreads(toInt(number(value)));
      case "wal-sync", "appendfsync" -> config.walSync(WalSync.parse(value));
      default -> throw new IllegalArgumentException("Bad directive or wrong number of arguments");
    }
  }

  private static long number(String value) {
    Long v = Args.tryParseLong(value.getBytes(StandardCharsets.US_ASCII));
    if (v == null) {
      throw new IllegalArgumentException("argument must be an integer, got '" + value + "'");
    }
    return v;
  }

  /** A size with Redis's units ({@code memtoll}): k, kb, m, mb, g, gb, any case. */
  static long memory(String value) {
    String v = value.toLowerCase(Locale.ROOT);
    long unit = 1;
    String[][] units = {{"gb", "1073741824"}, {"mb", "1048576"}, {"kb", "1024"}, {"g", "1000000000"},
        {"m", "1000000"}, {"k", "1000"}, {"b", "1"}};
    for (String[] u : units) {
      if (v.endsWith(u[0])) {
        unit = Long.parseLong(u[1]);
        v = v.substring(0, v.length() - u[0].length());
        break;
      }
    }
    try {
      return Math.multiplyExact(number(v), unit);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new IllegalArgumentException("argument must be a memory value (such as 64mb), got '" + value + "'");
    }
  }

  private static int toInt(long v) {
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("argument out of range: " + v);
    }
    return (int) v;
  }
}
