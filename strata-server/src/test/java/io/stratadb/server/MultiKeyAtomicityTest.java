package io.stratadb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.handler.codec.redis.ArrayRedisMessage;
import io.netty.handler.codec.redis.FullBulkStringRedisMessage;
import io.netty.handler.codec.redis.RedisMessage;
import io.stratadb.Db;
import io.stratadb.Options;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MGET reads all its keys at one point in time: it never sees part of a concurrent MSET. Runs the
 * command bodies directly, without the network, so the reader and writer interleave finely.
 */
class MultiKeyAtomicityTest {
  private static final int READS = 20_000;

  @TempDir Path dir;

  private static byte[][] args(String... words) {
    byte[][] out = new byte[words.length][];
    for (int i = 0; i < words.length; i++) {
      out[i] = words[i].getBytes(StandardCharsets.UTF_8);
    }
    return out;
  }

  private static String text(RedisMessage m) {
    return m instanceof FullBulkStringRedisMessage b && !b.isNull()
        ? b.content().toString(StandardCharsets.UTF_8) : null;
  }

  @Test
  void mgetNeverSeesHalfAnMset() throws Exception {
    try (Db db = Db.open(dir, Options.defaults())) {
      CommandTable.Builder builder = new CommandTable.Builder();
      // A reply limit that lets MGET read one key at a time, so its snapshot is what keeps it whole.
      new StringCommands(new StringStore(db, System::currentTimeMillis), 1000, 600).register(builder);
      CommandTable table = builder.build();
      Command mset = table.lookup("mset").body();
      Command mget = table.lookup("mget").body();
      mset.run(null, args("mset", "k1", "0", "k2", "0"));
      AtomicBoolean done = new AtomicBoolean();
      Thread writer = new Thread(() -> {
        for (long i = 1; !done.get(); i++) {
          String v = Long.toString(i);
          mset.run(null, args("mset", "k1", v, "k2", v));
        }
      });
      writer.start();
      try {
        for (int i = 0; i < READS; i++) {
          ArrayRedisMessage reply = (ArrayRedisMessage) mget.run(null, args("mget", "k1", "k2"));
          assertEquals(text(reply.children().get(0)), text(reply.children().get(1)),
              "MGET returned a mix of two MSETs at read " + i);
        }
      } finally {
        done.set(true);
        writer.join();
      }
    }
  }
}
