package io.stratadb.server;

import static io.stratadb.server.StringCommandsTest.error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** Replies stay within max-reply-bytes, and SCAN's work per call is bounded (issue 21, items 2 and 5). */
class ReplyLimitTest {

  @TempDir Path dir;

  @Test
  void mgetOverTheReplyLimitIsRefusedAndTheConnectionGoesOn() {
    // The reviewer's amplification: one small MGET naming one large value many times.
    try (TestServer server = new TestServer(dir, b -> b.maxBulkBytes(64 << 10).maxReplyBytes(1 << 20));
        Jedis jedis = server.jedis()) {
      String value = "x".repeat(64 << 10);
      jedis.set("big", value);
      String[] same = new String[1000];
      Arrays.fill(same, "big");
      assertEquals("ERR reply exceeds maximum allowed size (max-reply-bytes)", error(() -> jedis.mget(same)));
      String[] distinct = new String[20];
      for (int i = 0; i < distinct.length; i++) {
        distinct[i] = "k" + i;
        jedis.set(distinct[i], value);
      }
      assertEquals("ERR reply exceeds maximum allowed size (max-reply-bytes)", error(() -> jedis.mget(distinct)));
      List<String> ten = jedis.mget(Arrays.copyOf(same, 10)); // 640 KiB: within the limit
      assertEquals(10, ten.size());
      assertTrue(ten.stream().allMatch(value::equals));
      List<String> mixed = jedis.mget("k1", "missing", "k1");
      assertEquals(Arrays.asList(value, null, value), mixed);
      assertEquals("PONG", jedis.ping());
    }
  }

  @Test
  void scanStopsBeforeTheReplyLimitAndResumesWithoutLosingKeys() {
    try (TestServer server = new TestServer(dir, b -> b.maxBulkBytes(16 << 10).maxReplyBytes(64 << 10));
        Jedis jedis = server.jedis()) {
      TreeSet<String> expected = new TreeSet<>();
      for (int i = 0; i < 40; i++) {
        String key = String.format("%02d", i) + "k".repeat(8 << 10);
        jedis.set(key, "v");
        expected.add(key);
      }
      List<String> seen = new ArrayList<>();
      String cursor = ScanParams.SCAN_POINTER_START;
      int calls = 0;
      do {
        ScanResult<String> page = jedis.scan(cursor, new ScanParams().count(1000));
        assertTrue(page.getResult().size() * (8 << 10) <= 64 << 10, "a page holds at most 64 KiB of keys");
        seen.addAll(page.getResult());
        cursor = page.getCursor();
        calls++;
      } while (!cursor.equals(ScanParams.SCAN_POINTER_START) && calls < 100);
      assertTrue(calls > 1, "one call would have held 320 KiB of keys");
      assertEquals(new ArrayList<>(expected), seen, "every key once, in order");
    }
  }

  @Test
  void scanMatchWithAHugePatternIsLinearAndBoundedPerCall() {
    // The reviewer's case: keys of 60 KB and a pattern of 30 KB that almost matches each of them.
    // Backtracking took about 10 s a key (beyond the 10 s client timeout); Shift-And takes milliseconds.
    try (TestServer server = new TestServer(dir); Jedis jedis = server.jedis(); Jedis other = server.jedis()) {
      for (int i = 0; i < 4; i++) {
        jedis.set("a".repeat(59_999) + i, "v");
      }
      String pattern = "*" + "a".repeat(29_999) + "b*";
      String cursor = ScanParams.SCAN_POINTER_START;
      int calls = 0;
      do {
        ScanResult<String> page = jedis.scan(cursor, new ScanParams().match(pattern).count(100));
        assertEquals(List.of(), page.getResult());
        cursor = page.getCursor();
        calls++;
        assertEquals("PONG", other.ping());
      } while (!cursor.equals(ScanParams.SCAN_POINTER_START) && calls < 20);
      assertEquals(ScanParams.SCAN_POINTER_START, cursor);
      assertNotEquals(1, calls, "each key costs more than one call's work, so the call stops after it");
    }
  }
}
