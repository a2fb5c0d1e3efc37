package io.stratadb.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.Db;
import io.stratadb.Options;
import io.stratadb.ReadOptions;
import io.stratadb.Snapshot;
import io.stratadb.StrataIOException;
import io.stratadb.WriteBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.StateMachineLogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.server.raftlog.LogProtoUtils;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link StrataStateMachine} driven directly, without a Raft server, the way Ratis' updater thread
 * drives it: entries in log order, a pause and a reinitialize around a snapshot Ratis put into the
 * state-machine directory. Deterministic: the orderings that a multi-process run hits only now and
 * then are set up here step by step.
 */
class StrataStateMachineTest {

  @TempDir
  Path dir;

  private StrataStateMachine sm;

  @AfterEach
  void close() throws IOException {
    StrataStateMachine.testInstallFault = null;
    if (sm != null) {
      sm.close();
    }
  }

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  private static StrataStateMachine open(Path node) throws IOException {
    StrataStateMachine m = new StrataStateMachine(node.resolve("db"), Options.defaults());
    m.open(node.resolve("sm"));
    return m;
  }

  /** Applies a data entry at {@code index} (term 1) as Ratis' updater would. */
  private static CompletableFuture<Message> apply(StrataStateMachine m, long index, WriteBatch batch,
      List<WriteEntry.Condition> conditions) {
    StateMachineLogEntryProto data = StateMachineLogEntryProto.newBuilder()
        .setLogData(ByteString.copyFrom(WriteEntry.encode(batch, conditions))).build();
    TransactionContext trx = TransactionContext.newBuilder().setServerRole(RaftPeerRole.FOLLOWER)
        .setStateMachine(m).setLogEntry(LogProtoUtils.toLogEntryProto(data, 1, index)).build();
    return m.applyTransaction(trx);
  }

  private static CompletableFuture<Message> put(StrataStateMachine m, long index, String key, String value) {
    return apply(m, index, new WriteBatch().put(b(key), b(value)), List.of());
  }

  private static byte status(CompletableFuture<Message> reply) {
    return reply.join().getContent().asReadOnlyByteBuffer().get();
  }

  /** A snapshot at index {@code last} of a log of puts k0..k{last}, made by another node, put where Ratis puts a received one. */
  private Path receiveSnapshot(long last) throws IOException {
    return receiveSnapshot(last, 0);
  }

  /** As {@link #receiveSnapshot(long)}, the leader flushing a table every {@code flushEvery} entries (0: never). */
  private Path receiveSnapshot(long last, long flushEvery) throws IOException {
    Path other = dir.resolve("leader-" + last);
    StrataStateMachine leader = open(other);
    try {
      for (long i = 0; i <= last; i++) {
        put(leader, i, "k" + i, "v" + i).join();
        if (flushEvery > 0 && i % flushEvery == flushEvery - 1) {
          leader.db().flush();
        }
      }
      assertEquals(last, leader.takeSnapshot());
    } finally {
      leader.close();
    }
    Path received = other.resolve("sm").resolve("snapshot.1_" + last);
    Path target = dir.resolve("node/sm").resolve(received.getFileName());
    Files.createDirectories(target);
    try (Stream<Path> files = Files.list(received)) {
      for (Path f : files.toList()) {
        Files.copy(f, target.resolve(f.getFileName()));
      }
    }
    return target;
  }

  @Test
  void entriesApplyInOrderAndAFailedConditionIsAnAnswerNotAStop() throws Exception {
    sm = open(dir.resolve("node"));
    assertEquals(EntryFormat.APPLIED, status(put(sm, 0, "a", "1")));
    sm.notifyTermIndexUpdated(1, 1); // a configuration entry
    CompletableFuture<Message> conflict = apply(sm, 2, new WriteBatch().put(b("a"), b("2")),
        List.of(new WriteEntry.Condition(b("a"), b("other"))));
    assertEquals(EntryFormat.CONFLICT, status(conflict));
    assertEquals(EntryFormat.APPLIED, status(put(sm, 3, "b", "1")));
    assertNull(sm.failure());
    assertArrayEquals(b("1"), sm.db().get(b("a")), "the conflicting write applied nothing");
    assertEquals(3, sm.appliedIndex());
  }

  @Test
  void anEntryAfterAGapStopsTheNodeInsteadOfLeavingAHole() throws Exception {
    sm = open(dir.resolve("node"));
    put(sm, 0, "a", "1").join();
    put(sm, 1, "b", "1").join();
    // Entry 2 never reached the state machine: applying 3 would leave the database without it.
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> put(sm, 3, "c", "1"));
    assertTrue(e.getMessage().contains("entry 3 follows entry 1"), e.getMessage());
    assertNotNull(sm.failure());
    assertThrows(StrataIOException.class, () -> sm.db(), "nothing is read from a database with a hole");
    assertFalse(sm.awaitApplied(3, 10_000), "a waiter returns at once");
    sm.close();
    try (Db d = Db.openReadOnly(dir.resolve("node/db"), Options.defaults())) {
      assertNull(d.get(b("c")));
      assertEquals(1, StrataStateMachine.readApplied(d).getIndex(), "a restart applies from entry 2");
    }
    sm = null;
  }

  @Test
  void anEngineFailureWhileApplyingStopsTheNodeAndARestartAppliesTheEntry() throws Exception {
    sm = open(dir.resolve("node"));
    put(sm, 0, "a", "1").join();
    sm.db().close(); // the database fails under the state machine (here: closed)
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> put(sm, 1, "b", "1"),
        "the exception goes to Ratis, which stops the server");
    assertTrue(e.getMessage().contains("applying entry 1 failed"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> put(sm, 2, "c", "1"), "no later entry applies either");
    assertThrows(StrataIOException.class, () -> sm.db());
    assertEquals(0, sm.appliedIndex());
    sm.close();
    sm = open(dir.resolve("node"));
    assertEquals(0, sm.appliedIndex(), "the database kept its position before the failed entry");
    assertEquals(EntryFormat.APPLIED, status(put(sm, 1, "b", "1")));
    assertArrayEquals(b("1"), sm.db().get(b("b")));
  }

  @Test
  void anInstallPublishesTheNewPositionOnlyWithTheNewDatabase() throws Exception {
    sm = open(dir.resolve("node"));
    put(sm, 0, "old", "x").join();
    Path snapshot = receiveSnapshot(20);
    long[] seenDuringSwap = {-2};
    StrataStateMachine.testInstallFault = (stage, d) -> {
      if (stage.equals("swapped")) {
        seenDuringSwap[0] = sm.appliedIndex();
        assertThrows(io.stratadb.DbClosedException.class, () -> sm.db(), "no database while swapping");
      }
    };
    sm.pause();
    sm.reinitialize();
    assertEquals(0, seenDuringSwap[0], "the old position until the new database is open");
    assertEquals(20, sm.appliedIndex());
    assertArrayEquals(b("v20"), sm.db().get(b("k20")));
    assertNull(sm.db().get(b("old")));
    assertEquals(EntryFormat.APPLIED, status(put(sm, 21, "after", "1")), "the next entry follows the snapshot");
    assertTrue(Files.isDirectory(snapshot));
  }

  @Test
  void aSnapshotReceivedWhileAnotherIsInstalledIsInstalledToo() throws Exception {
    sm = open(dir.resolve("node"));
    put(sm, 0, "k0", "old").join();
    Path first = receiveSnapshot(5);
    // While the state machine installs snapshot 5, Ratis receives snapshot 10 and renames it over
    // the state-machine directory (its second reload request is lost in Ratis 3.2.2). Right after
    // reinitialize, Ratis sets its applied index from getLatestSnapshot(): the database must be
    // there too, or the entries 6..10 never reach it.
    StrataStateMachine.testInstallFault = (stage, d) -> {
      if (stage.equals("staged") && d.getFileName().toString().endsWith("installing") && Files.exists(first)) {
        try {
          receiveSnapshot(10);
          CheckpointSnapshots.deleteTree(first);
        } catch (IOException e) {
          throw new AssertionError(e);
        }
      }
    };
    sm.pause();
    sm.reinitialize();
    assertEquals(10, sm.getLatestSnapshot().getIndex());
    assertEquals(10, sm.appliedIndex(), "the database is where Ratis goes on from");
    assertArrayEquals(b("v10"), sm.db().get(b("k10")));
    assertEquals(EntryFormat.APPLIED, status(put(sm, 11, "after", "1")));
  }

  @Test
  void aSnapshotTakenOfTheReplicaBeforeAnInstallNeverReadsTheNewDatabase() throws Exception {
    sm = open(dir.resolve("node"));
    put(sm, 0, "k1", "old").join();
    receiveSnapshot(5);
    ReplicaDb replica = new ReplicaDb(sm::db);
    Snapshot before = replica.getSnapshot();
    assertArrayEquals(b("old"), replica.get(b("k1"), ReadOptions.snapshot(before)));
    sm.pause();
    sm.reinitialize();
    assertArrayEquals(b("v1"), replica.get(b("k1")));
    // The snapshot belongs to the database the install closed: reading with it fails, it never
    // reads the new database at the old database's sequence number.
    assertThrows(IllegalArgumentException.class, () -> replica.get(b("k1"), ReadOptions.snapshot(before)));
    assertThrows(IllegalArgumentException.class, () -> replica.multiGet(List.of(b("k1")), ReadOptions.snapshot(before)));
  }

  @Test
  void aSnapshotMissingATableIsRefusedAndTheOldDatabaseKept() throws Exception {
    installIncompleteSnapshot(StrataStateMachineTest::delete, "is missing");
  }

  @Test
  void aSnapshotWithAShortTableIsRefusedAndTheOldDatabaseKept() throws Exception {
    installIncompleteSnapshot(table -> {
      try (java.nio.channels.FileChannel c = java.nio.channels.FileChannel.open(table,
          java.nio.file.StandardOpenOption.WRITE)) {
        c.truncate(c.size() / 2); // a table Ratis is still writing
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }, "holds");
  }

  /**
   * A node at entry 0 ("old" = "x") is given a snapshot at entry 20 whose first table {@code
   * damage} removed or cut short (a directory Ratis was replacing while the install listed it):
   * the install must refuse it and keep the old database at its old position, which goes on
   * applying entries. Without the manifest check the copy opens (tables open when first read) and
   * holds the snapshot's position (kept in the WAL), so it was installed without k0..k4.
   */
  private void installIncompleteSnapshot(java.util.function.Consumer<Path> damage, String reason) throws Exception {
    sm = open(dir.resolve("node"));
    put(sm, 0, "old", "x").join();
    Path snapshot = receiveSnapshot(20, 5);
    List<Path> tables;
    try (Stream<Path> files = Files.list(snapshot)) {
      tables = files.filter(f -> f.getFileName().toString().endsWith(".sst")).sorted().toList();
    }
    assertEquals(4, tables.size(), "a table per five entries: " + tables);
    damage.accept(tables.get(0));
    sm.pause();
    IOException e = assertThrows(IOException.class, () -> sm.reinitialize());
    assertTrue(e.getCause() != null && e.getCause().getMessage().contains("is incomplete: table")
        && e.getCause().getMessage().contains(reason), e.toString() + " / " + e.getCause());
    assertNull(sm.failure());
    assertEquals(0, sm.appliedIndex());
    assertArrayEquals(b("x"), sm.db().get(b("old")), "the old database is open");
    assertNull(sm.db().get(b("k20")));
    assertFalse(Files.exists(dir.resolve("node/db.installing")), "the staged copy is removed");
    assertEquals(EntryFormat.APPLIED, status(put(sm, 1, "next", "1")), "the node goes on from its old position");
  }

  @Test
  void aCopyThatDoesNotOpenAfterTheSwapLeavesTheOldDatabaseOpen() throws Exception {
    installFailingAfterTheSwap(false);
    assertNull(sm.failure());
    assertEquals(0, sm.appliedIndex());
    assertArrayEquals(b("x"), sm.db().get(b("old")), "the old database is open again");
    assertFalse(Files.exists(dir.resolve("node/db.old")));
  }

  @Test
  void whenNeitherTheCopyNorTheOldDatabaseOpensTheNodeStopsInsteadOfGoingOnWithoutADatabase() throws Exception {
    installFailingAfterTheSwap(true);
    assertNotNull(sm.failure());
    assertThrows(StrataIOException.class, () -> sm.db());
    assertThrows(IllegalStateException.class, () -> put(sm, 1, "b", "1"), "no entry applies after");
  }

  /**
   * A node at entry 0 ("old" = "x") installs a snapshot whose copy is broken once moved into place
   * (and the old database too, if {@code oldBroken}); the install must throw, for Ratis to stop the
   * Raft server.
   */
  private void installFailingAfterTheSwap(boolean oldBroken) throws Exception {
    sm = open(dir.resolve("node"));
    put(sm, 0, "old", "x").join();
    receiveSnapshot(20);
    StrataStateMachine.testInstallFault = (stage, d) -> {
      if (stage.equals("swapped")) {
        delete(d.resolve("CURRENT"));
        if (oldBroken) {
          delete(dir.resolve("node/db.old/CURRENT"));
        }
      }
    };
    sm.pause();
    assertThrows(IOException.class, () -> sm.reinitialize());
  }

  private static void delete(Path p) {
    try {
      Files.delete(p);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
