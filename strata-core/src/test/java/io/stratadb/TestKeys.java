package io.stratadb;

import static java.nio.charset.StandardCharsets.UTF_8;

/** TEST ONLY: short helpers for building keys and values. */
public final class TestKeys {
  private TestKeys() {}

  /** UTF-8 bytes of {@code s}. */
  public static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  /** {@code key%08d}. */
  public static byte[] key(int i) {
    return b(String.format("key%08d", i));
  }

  /** UTF-8 string of {@code bytes}. */
  public static String s(byte[] bytes) {
    return bytes == null ? null : new String(bytes, UTF_8);
  }

  /** Leveled compaction with the given L0 trigger and the smallest base level size (1 MiB). */
  public static CompactionStrategy leveled(int l0Trigger) {
    return new CompactionStrategy.Leveled(l0Trigger, 1L << 20, 10, true);
  }

  /** Small-buffer options so tests cross memtable, flush and compaction boundaries quickly. */
  public static Options smallOptions() {
    return Options.builder().writeBufferSize(64 << 10).blockSize(512).targetFileSize(64 << 10).build();
  }
}
