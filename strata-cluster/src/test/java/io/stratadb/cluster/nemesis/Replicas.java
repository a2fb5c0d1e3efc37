package io.stratadb.cluster.nemesis;

import io.stratadb.Db;
import io.stratadb.DbIterator;
import io.stratadb.Options;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compares the databases of a stopped test cluster's nodes key by key: each node's state machine
 * database ({@code --db DIR}'s {@code db}) opened read-only, every key and value except the state
 * machine's own ({@link #META_PREFIX}: the applied position, written with data entries only, so a
 * node whose last entries carried no data may hold an older one).
 *
 * <p>Thread safety: stateless.
 */
final class Replicas {
  /** The state machine's keys ({@code \0\0strata-cluster:...}), in hex. */
  static final String META_PREFIX = HexFormat.of().formatHex("\0\0strata-cluster:".getBytes(StandardCharsets.US_ASCII));

  private Replicas() {}

  /** The state machine's database of node {@code name}. */
  static Path stateMachineDb(Cluster cluster, String name) {
    return cluster.dbDir(name).resolve("db");
  }

  /** Every key and value of the database in {@code dir}, both in hex, in key order, with the state machine's. */
  static Map<String, String> contents(Path dir) {
    Map<String, String> all = new TreeMap<>();
    HexFormat hex = HexFormat.of();
    try (Db db = Db.openReadOnly(dir, Options.defaults()); DbIterator it = db.newIterator()) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        all.put(hex.formatHex(it.key()), hex.formatHex(it.value()));
      }
    }
    return all;
  }

  /**
   * The differences between the nodes' databases (keys missing on some, or with other values),
   * at most 20 listed; empty if they are equal. The nodes must be stopped.
   */
  static List<String> differences(Cluster cluster) {
    Map<String, Path> dbs = new LinkedHashMap<>();
    cluster.names().forEach(n -> dbs.put(n, stateMachineDb(cluster, n)));
    return differences(dbs);
  }

  /** As {@link #differences(Cluster)}, for the databases in {@code dbs} (by node name). */
  static List<String> differences(Map<String, Path> dbs) {
    Map<String, Map<String, String>> byNode = new LinkedHashMap<>();
    dbs.forEach((n, dir) -> byNode.put(n, contents(dir)));
    TreeSet<String> allKeys = new TreeSet<>();
    byNode.values().forEach(m -> allKeys.addAll(m.keySet()));
    List<String> differences = new ArrayList<>();
    for (String key : allKeys) {
      if (key.startsWith(META_PREFIX)) {
        continue;
      }
      Map<String, String> values = new LinkedHashMap<>();
      byNode.forEach((n, m) -> values.put(n, m.get(key)));
      if (values.values().stream().distinct().count() > 1 || values.values().stream().anyMatch(Objects::isNull)) {
        if (differences.size() < 20) {
          differences.add("key " + key + ": " + values);
        } else {
          differences.add("...");
          break;
        }
      }
    }
    return differences;
  }
}
