package io.stratadb.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.stratadb.Db;
import io.stratadb.DbIterator;
import io.stratadb.Options;
import io.stratadb.WriteBatch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * A replicated server whose local database lags the group: a stand-in {@link Replication} keeps
 * the group's state in a second database (the "leader") and checks each commit's expectations
 * against it, as the Raft state machine checks them at the entry's place in the log; a conflict
 * brings the local database up to date for those keys and throws {@link WriteConflictException}.
 * A write command whose local read found nothing to write must still be linearized through a
 * commit: the nemesis saw {@code SET k v} on n2, then {@code DEL k} on a lagging n3 reply 0 without
 * a Raft round trip, and a later {@code GET k} on n2 return v.
 */
class LaggingReplicaTest {

  @TempDir Path dir;
  private Db local;
  private Db leader;
  private RespServer server;
  private final LaggingReplication replication = new LaggingReplication();

  /** Commits to the leader; to the local database too unless {@link #leaderOnly}. */
  private final class LaggingReplication implements Replication {
    final AtomicBoolean leaderOnly = new AtomicBoolean();
    final AtomicInteger commits = new AtomicInteger();

    @Override
    public void commit(WriteBatch batch, List<Expectation> expected) {
      commits.incrementAndGet();
      for (Expectation e : expected) {
        if (!Arrays.equals(leader.get(e.key()), e.stored())) {
          for (Expectation c : expected) { // catch up: the conflicting entry is applied here now
            byte[] v = leader.get(c.key());
            local.write(v == null ? new WriteBatch().delete(c.key()) : new WriteBatch().put(c.key(), v));
          }
          throw new WriteConflictException("changed: " + new String(e.key(), StandardCharsets.UTF_8));
        }
      }
      leader.write(batch);
      if (!leaderOnly.get()) {
        local.write(batch);
      }
    }

    @Override
    public void awaitReadable() { // catches the local database up with the leader
      try (DbIterator it = leader.newIterator()) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          local.write(new WriteBatch().put(it.key(), it.value()));
        }
      }
    }

    @Override
    public Map<String, Object> info() {
      return Map.of("role", "slave");
    }

    @Override
    public List<Object> role() {
      return List.of("slave", "127.0.0.1", 0L, "connected", 0L);
    }

    @Override
    public Object cluster(List<String> args) {
      return "OK";
    }
  }

  @BeforeEach
  void start() {
    ServerConfig config = ServerConfig.builder().port(0).ioThreads(1).build();
    local = Db.open(dir.resolve("local"), RespServer.databaseOptions(Options.defaults(), config));
    leader = Db.open(dir.resolve("leader"), RespServer.databaseOptions(Options.defaults(), config));
    server = RespServer.startReplicated(local, Options.defaults(), config, replication);
  }

  @AfterEach
  void stop() {
    server.close();
    local.close();
    leader.close();
  }

  /** Writes {@code k = v} to the group through the server, leaving the local database without it. */
  private void setOnAnotherNode(Jedis c, String k, String v) {
    replication.leaderOnly.set(true);
    assertEquals("OK", c.set(k, v));
    replication.leaderOnly.set(false);
    assertNull(local.get(k.getBytes(StandardCharsets.UTF_8)), "the local replica lags");
  }

  @Test
  void delOfAKeyTheLaggingReplicaLacksDeletesItFromTheGroup() {
    try (Jedis c = new Jedis("127.0.0.1", server.port(), 10_000)) {
      setOnAnotherNode(c, "k", "v");
      // Before the fix: 0, no commit, and the group still held k.
      assertEquals(1L, c.del("k"));
      assertNull(leader.get("k".getBytes(StandardCharsets.UTF_8)));
      setOnAnotherNode(c, "p1", "a");
      // The same in a pipeline batch of two DELs that write nothing locally.
      var p = c.pipelined();
      var first = p.del("p1");
      var second = p.del("absent");
      p.sync();
      assertEquals(1L, first.get());
      assertEquals(0L, second.get());
      assertNull(leader.get("p1".getBytes(StandardCharsets.UTF_8)));
    }
  }

  @Test
  void aWriteCommandThatWritesNothingStillCommitsWhatItRead() {
    try (Jedis c = new Jedis("127.0.0.1", server.port(), 10_000)) {
      setOnAnotherNode(c, "g", "v");
      assertEquals("v", c.getDel("g"), "GETDEL of a key only the group holds");
      setOnAnotherNode(c, "n", "v");
      assertEquals(0L, c.setnx("n", "w"));
      int before = replication.commits.get();
      assertEquals(0L, c.del("nothing"));
      assertEquals(before + 1, replication.commits.get(), "a DEL of an absent key is linearized by a commit");
      assertArrayEquals("v".getBytes(StandardCharsets.UTF_8), c.get("n".getBytes(StandardCharsets.UTF_8)));
    }
  }

  @Test
  void flushdbOnALaggingReplicaDeletesWhatTheGroupHolds() {
    try (Jedis c = new Jedis("127.0.0.1", server.port(), 10_000)) {
      setOnAnotherNode(c, "f", "v");
      assertEquals("OK", c.flushDB());
      // Before the fix FLUSHDB deleted only the keys the lagging replica held.
      assertNull(leader.get("f".getBytes(StandardCharsets.UTF_8)));
    }
  }
}
