package io.stratadb.server;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.redis.RedisEncoder;
import io.stratadb.Db;
import io.stratadb.Options;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ConnectionHandler} on an embedded channel. */
class ConnectionHandlerTest {

  @TempDir Path dir;

  @Test
  void aRoundTheClosingNodeRefusesIsAnsweredAndTheConnectionClosed() {
    try (Db db = Db.open(dir, Options.builder().createIfMissing(true).build())) {
      CommandTable.Builder table = new CommandTable.Builder();
      new ConnectionCommands(null).register(table);
      ServerStats stats = new ServerStats();
      Executor closed = task -> {
        throw new RejectedExecutionException("shut down");
      };
      EmbeddedChannel ch = new EmbeddedChannel();
      ConnectionFlow flow = new ConnectionFlow(ch, new ClientMemoryBudget(1 << 20), 1 << 16);
      ch.pipeline().addLast(new RedisEncoder(), new ConnectionHandler(new CommandDispatcher(table.build(), stats),
          new ClientSession(1, true), flow, 1 << 20, new StringStore(db, System::currentTimeMillis), 1024, closed));
      ch.writeInbound((Object) new byte[][] {"PING".getBytes(US_ASCII)});
      StringBuilder replies = new StringBuilder();
      for (Object m; (m = ch.readOutbound()) != null; ) {
        replies.append(((ByteBuf) m).toString(US_ASCII));
        ((ByteBuf) m).release();
      }
      // Before: the rejection left the round marked running; the client got no reply.
      assertEquals("-ERR server is shutting down\r\n", replies.toString());
      assertFalse(ch.isOpen());
    }
  }
}
