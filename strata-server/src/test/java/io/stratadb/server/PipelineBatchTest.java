package io.stratadb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.redis.ErrorRedisMessage;
import io.netty.handler.codec.redis.FullBulkStringRedisMessage;
import io.netty.handler.codec.redis.IntegerRedisMessage;
import io.netty.handler.codec.redis.RedisMessage;
import io.netty.handler.codec.redis.SimpleStringRedisMessage;
import io.stratadb.Db;
import io.stratadb.Options;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link PipelineBatch}: one write batch per pipeline, with Redis's order and semantics. */
class PipelineBatchTest {

  @TempDir Path dir;
  Db db;
  StringStore store;
  CommandTable table;
  final List<String> sent = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void open() {
    db = Db.open(dir, Options.builder().createIfMissing(true).build());
    store = new StringStore(db, () -> 1_000L);
    CommandTable.Builder b = new CommandTable.Builder();
    new StringCommands(store, 1 << 20, 1 << 20).register(b);
    new CounterCommands(store).register(b);
    new KeyCommands(store, 1 << 20, 1024).register(b);
    table = b.build();
  }

  @AfterEach
  void close() {
    db.close();
  }

  private PipelineBatch batch() {
    return new PipelineBatch(store, 1024, CommandDispatcher::errorReply, r -> sent.add(text(r)));
  }

  /** Adds a command as the connection does; asserts it was batched. */
  private void add(PipelineBatch b, String... args) {
    byte[][] a = new byte[args.length][];
    for (int i = 0; i < args.length; i++) {
      a[i] = args[i].getBytes(StandardCharsets.UTF_8);
    }
    CommandSpec spec = table.lookup(args[0]);
    assertTrue(b.add(spec.name(), spec.batched(), a), "batched: " + String.join(" ", args));
  }

  private String get(String key) {
    byte[] v = db.get(key.getBytes(StandardCharsets.UTF_8));
    return v == null ? null : ValueCodec.decode(v).value().length + ":" + new String(ValueCodec.decode(v).value(), StandardCharsets.UTF_8);
  }

  private static String text(RedisMessage m) {
    if (m instanceof SimpleStringRedisMessage s) {
      return "+" + s.content();
    }
    if (m instanceof ErrorRedisMessage e) {
      return "-" + e.content();
    }
    if (m instanceof IntegerRedisMessage i) {
      return ":" + i.value();
    }
    FullBulkStringRedisMessage bulk = (FullBulkStringRedisMessage) m;
    return bulk.isNull() ? "$nil" : "$" + bulk.content().toString(StandardCharsets.UTF_8);
  }

  @Test
  void whatTheBatchHoldsCountsInTheClientBudgetUntilItIsCommitted() {
    ClientMemoryBudget budget = new ClientMemoryBudget(1 << 20);
    java.util.function.LongConsumer holds = bytes -> {
      if (bytes >= 0) {
        budget.reserve(bytes);
      } else {
        budget.release(-bytes);
      }
    };
    PipelineBatch b = new PipelineBatch(store, 1024, CommandDispatcher::errorReply, r -> sent.add(text(r)), holds);
    add(b, "SET", "a", "x".repeat(1000));
    long one = budget.used();
    assertTrue(one >= 1000, "held: " + one);
    add(b, "MSET", "b", "y".repeat(500), "c", "z".repeat(500));
    assertTrue(budget.used() >= one + 1000, "held: " + budget.used());
    add(b, "INCR", "a"); // fails (not an integer): its error holds nothing more
    b.flush();
    assertEquals(0, budget.used());
    assertEquals(List.of("+OK", "+OK", "-ERR value is not an integer or out of range"), sent);
  }

  @Test
  void writesAreCommittedAsOneBatchAndRepliesWaitForTheCommit() {
    long batchesBefore = db.stats().operations().batchWrites();
    PipelineBatch b = batch();
    add(b, "SET", "k", "1");
    add(b, "INCR", "k");
    add(b, "INCRBY", "k", "10");
    add(b, "MSET", "a", "x", "b", "y");
    add(b, "DEL", "a", "a", "missing");
    assertEquals(List.of(), sent, "no reply before the commit");
    assertNull(get("k"), "other readers do not see the batch before it is committed");
    b.flush();
    assertEquals(List.of("+OK", ":2", ":12", "+OK", ":1"), sent);
    assertEquals("2:12", get("k"));
    assertNull(get("a"));
    assertEquals("1:y", get("b"));
    assertEquals(1, db.stats().operations().batchWrites() - batchesBefore, "one engine write for the pipeline");
  }

  @Test
  void aFailingCommandGetsItsErrorInPlaceAndTheOthersApply() {
    PipelineBatch b = batch();
    add(b, "SET", "s", "abc");
    add(b, "INCR", "s"); // not an integer: fails, changes nothing
    add(b, "SET", "n", "5", "BOGUS"); // syntax error
    add(b, "DECR", "c");
    add(b, "MSET", "x"); // wrong number of arguments for MSET's pairs
    add(b, "SET", "n", "7", "NX");
    add(b, "SET", "n", "8", "NX"); // sees the SET before it in the same batch
    b.flush();
    assertEquals(List.of("+OK", "-ERR value is not an integer or out of range", "-ERR syntax error", ":-1",
        "-ERR wrong number of arguments for 'mset' command", "+OK", "$nil"), sent);
    assertEquals("3:abc", get("s"));
    assertEquals("1:7", get("n"));
    assertEquals("2:-1", get("c"));
  }

  @Test
  void aFailedCommitAnswersEveryCommandOfTheBatchWithItsError() {
    PipelineBatch b = batch();
    add(b, "SET", "k", "1");
    add(b, "INCR", "c");
    db.close();
    b.flush();
    assertEquals(2, sent.size());
    for (String reply : sent) {
      assertTrue(reply.startsWith("-ERR server is shutting down"), reply);
    }
  }

  @Test
  void setWithGetAndOversizedArgumentsAreNotBatched() {
    PipelineBatch b = batch();
    CommandSpec set = table.lookup("set");
    assertFalse(b.add("set", set.batched(), new byte[][] {"SET".getBytes(), "k".getBytes(), "v".getBytes(), "GET".getBytes()}));
    assertFalse(b.add("set", set.batched(), new byte[][] {"SET".getBytes(), "k".getBytes(), new byte[1025]}));
    b.flush();
    assertEquals(List.of(), sent);
    assertNull(get("k"));
  }

  @Test
  void stripesAreHeldUntilTheCommitAndReleasedAfter() throws Exception {
    PipelineBatch b = batch();
    add(b, "INCR", "hot");
    // Another writer of the key waits for the batch: an INCR alone on another thread.
    CompletableFuture<Void> other = CompletableFuture.runAsync(() -> {
      PipelineBatch.runAlone(store, table.lookup("incr").batched(), new byte[][] {"INCR".getBytes(), "hot".getBytes()});
    });
    Thread.sleep(100);
    assertFalse(other.isDone(), "the other INCR waits for the batch's stripe");
    b.flush();
    other.get(10, TimeUnit.SECONDS);
    assertEquals("1:2", get("hot"), "both increments applied, none lost");
  }

  @Test
  void twoBatchesLockingCrossingKeysDoNotDeadlock() {
    assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
      PipelineBatch first = batch();
      add(first, "SET", "k1", "a");
      CompletableFuture<Void> second = CompletableFuture.runAsync(() -> {
        PipelineBatch b = batch();
        add(b, "SET", "k2", "b");
        add(b, "SET", "k1", "b"); // taken by the first: commits its SET of k2, then waits holding nothing
        b.flush();
      });
      while (get("k2") == null) { // the second committed what it had before waiting
        Thread.sleep(5);
      }
      add(first, "SET", "k2", "a"); // free again: the first does not wait on the second
      first.flush();
      second.get();
      assertEquals("1:b", get("k1"), "the second's SET of k1 ran after the first committed");
      assertEquals("1:a", get("k2"));
    });
  }

  /** The mixed pipeline of the issue, through a socket in one write, answered as Redis answers it. */
  @Test
  void aMixedPipelineAnswersAsRedisDoes() throws Exception {
    try (TestServer server = new TestServer(dir.resolve("server")); Socket s = server.socket()) {
      byte[] pipeline = ConnectionCommandsTest.concat(
          TestServer.resp("SET", "k", "1"),
          TestServer.resp("GET", "k"),
          TestServer.resp("INCR", "k"),
          TestServer.resp("DEL", "k"),
          TestServer.resp("SET", "t", "text"),
          TestServer.resp("INCR", "t"),
          TestServer.resp("SET", "u", "1"),
          TestServer.resp("INCRBY", "u", "2"),
          TestServer.resp("GET", "k"),
          TestServer.resp("MSET", "a", "1", "b", "2"),
          TestServer.resp("DEL", "a", "b", "k"),
          TestServer.resp("GET", "u"),
          TestServer.resp("QUIT"));
      assertEquals("+OK\r\n$1\r\n1\r\n:2\r\n:1\r\n"
          + "+OK\r\n-ERR value is not an integer or out of range\r\n+OK\r\n:3\r\n$-1\r\n"
          + "+OK\r\n:2\r\n$1\r\n3\r\n+OK\r\n", TestServer.sendAndReadToEof(s, pipeline));
    }
  }
}
