package io.stratadb.cluster.nemesis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.Db;
import io.stratadb.Options;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The replica comparison on three small databases written by hand. */
@Timeout(120) // seconds
class ReplicasTest {
  @TempDir Path dir;

  @Test
  void reportsAMissingKeyAndAnOtherValueButNotTheAppliedPosition() {
    Map<String, Path> dbs = new LinkedHashMap<>();
    for (String n : List.of("n1", "n2", "n3")) {
      dbs.put(n, dir.resolve(n));
      try (Db db = Db.open(dir.resolve(n), Options.defaults())) {
        db.put(bytes("a"), bytes("1"));
        db.put(bytes("\0\0strata-cluster:applied"), bytes("position of " + n)); // may differ
        if (!n.equals("n2")) {
          db.put(bytes("b"), bytes("2"));
        }
        db.put(bytes("c"), bytes(n.equals("n3") ? "other" : "3"));
      }
    }
    List<String> differences = Replicas.differences(dbs);
    assertEquals(2, differences.size(), differences.toString());
    assertTrue(differences.get(0).contains("n2=null"), differences.get(0));
    assertTrue(differences.get(1).startsWith("key 63:"), differences.get(1)); // "c"
  }

  @Test
  void equalDatabasesHaveNoDifferences() {
    Map<String, Path> dbs = new LinkedHashMap<>();
    for (String n : List.of("n1", "n2")) {
      dbs.put(n, dir.resolve(n));
      try (Db db = Db.open(dir.resolve(n), Options.defaults())) {
        db.put(bytes("k"), bytes("v"));
        db.delete(bytes("gone"));
      }
    }
    assertEquals(List.of(), Replicas.differences(dbs));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
