package io.stratadb.server;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.redis.RedisEncoder;
import io.stratadb.Db;
import io.stratadb.Options;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ConnectionHandler} on an embedded channel. */
class ConnectionHandlerTest {

  @TempDir Path dir;

  @Test
  void aRoundTheClosingNodeRefusesIsAnsweredAndTheConnectionClosed() {
    ExecutorService closed = Executors.newSingleThreadExecutor();
    closed.shutdown();
    // Before: the rejection left the round marked running; the client got no reply.
    assertEquals("-ERR server is shutting down\r\n", pingOn(closed));
  }

  @Test
  void aRoundBeyondTheOffloadPoolsBoundIsAnsweredAndTheConnectionClosed() {
    Executor full = task -> {
      throw new RejectedExecutionException("full");
    };
    assertEquals("-ERR max number of clients reached\r\n", pingOn(full));
  }

  @Test
  void theOffloadPoolRunsAtMostMaxclientsRoundsAtOnce() throws Exception {
    ExecutorService pool = RespServer.offloadPool(2);
    CountDownLatch release = new CountDownLatch(1);
    try {
      pool.execute(() -> await(release));
      pool.execute(() -> await(release));
      assertThrows(RejectedExecutionException.class, () -> pool.execute(() -> {}));
    } finally {
      release.countDown();
      pool.shutdown();
    }
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The replies to PING on a cluster node's connection whose rounds run on {@code offload}; asserts it closed. */
  private String pingOn(Executor offload) {
    try (Db db = Db.open(dir, Options.builder().createIfMissing(true).build())) {
      CommandTable.Builder table = new CommandTable.Builder();
      new ConnectionCommands(null).register(table);
      ServerStats stats = new ServerStats();
      EmbeddedChannel ch = new EmbeddedChannel();
      ConnectionFlow flow = new ConnectionFlow(ch, new ClientMemoryBudget(1 << 20), 1 << 16);
      ch.pipeline().addLast(new RedisEncoder(), new ConnectionHandler(new CommandDispatcher(table.build(), stats),
          new ClientSession(1, true), flow, 1 << 20, new StringStore(db, System::currentTimeMillis), 1024, offload));
      ch.writeInbound((Object) new byte[][] {"PING".getBytes(US_ASCII)});
      StringBuilder replies = new StringBuilder();
      for (Object m; (m = ch.readOutbound()) != null; ) {
        replies.append(((ByteBuf) m).toString(US_ASCII));
        ((ByteBuf) m).release();
      }
      assertFalse(ch.isOpen());
      return replies.toString();
    }
  }
}
