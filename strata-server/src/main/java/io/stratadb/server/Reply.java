package io.stratadb.server;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.redis.ArrayRedisMessage;
import io.netty.handler.codec.redis.ErrorRedisMessage;
import io.netty.handler.codec.redis.FullBulkStringRedisMessage;
import io.netty.handler.codec.redis.IntegerRedisMessage;
import io.netty.handler.codec.redis.RedisMessage;
import io.netty.handler.codec.redis.SimpleStringRedisMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builders of RESP2 replies (the "RESP protocol specification": simple strings, errors, integers,
 * bulk strings, arrays). Stateless and thread-safe; the shared constants hold no buffers.
 */
final class Reply {

  /** {@code +OK}. */
  static final RedisMessage OK = new SimpleStringRedisMessage("OK");
  /** The null bulk string {@code $-1}. */
  static final RedisMessage NULL = FullBulkStringRedisMessage.NULL_INSTANCE;
  /** {@code :0}. */
  static final RedisMessage ZERO = new IntegerRedisMessage(0);
  /** {@code :1}. */
  static final RedisMessage ONE = new IntegerRedisMessage(1);

  private Reply() {}

  /** A simple string; must not contain CR or LF. */
  static RedisMessage simple(String s) {
    return new SimpleStringRedisMessage(s);
  }

  /** An error reply whose text starts with its code ({@code ERR ...}); CR and LF become spaces. */
  static RedisMessage error(String text) {
    return new ErrorRedisMessage(text.replace('\r', ' ').replace('\n', ' '));
  }

  /** An integer reply. */
  static RedisMessage integer(long n) {
    return n == 0 ? ZERO : n == 1 ? ONE : new IntegerRedisMessage(n);
  }

  /** A bulk string of {@code bytes} (not copied), or the null bulk string if null. */
  static RedisMessage bulk(byte[] bytes) {
    return bytes == null ? NULL : new FullBulkStringRedisMessage(Unpooled.wrappedBuffer(bytes));
  }

  /** A bulk string of {@code bytes} from {@code offset} to the end (not copied). */
  static RedisMessage bulk(byte[] bytes, int offset) {
    return new FullBulkStringRedisMessage(Unpooled.wrappedBuffer(bytes, offset, bytes.length - offset));
  }

  /** A bulk string of the UTF-8 bytes of {@code s}. */
  static RedisMessage bulk(String s) {
    return bulk(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Bytes a bulk string of {@code length} bytes takes on the wire: {@code $<length>\r\n<bytes>\r\n}. */
  static long bulkBytes(long length) {
    return headerBytes(length) + length + 2;
  }

  /** Bytes an array header or a bulk string header takes on the wire: {@code *<n>\r\n}. */
  static long headerBytes(long n) {
    return 1 + Long.toString(n).length() + 2;
  }

  /** An array of replies. */
  static RedisMessage array(List<RedisMessage> items) {
    return items.isEmpty() ? ArrayRedisMessage.EMPTY_INSTANCE : new ArrayRedisMessage(items);
  }

  /** An array of bulk strings of the UTF-8 bytes of {@code items}. */
  static RedisMessage bulkArray(String... items) {
    List<RedisMessage> out = new ArrayList<>(items.length);
    for (String s : items) {
      out.add(bulk(s));
    }
    return array(out);
  }
}
