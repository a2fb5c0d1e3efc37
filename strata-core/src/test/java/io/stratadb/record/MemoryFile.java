package io.stratadb.record;

import io.stratadb.env.ReadableFile;
import io.stratadb.env.WritableFile;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/** TEST ONLY: an in-memory file to write logs into and read them back (possibly damaged). */
final class MemoryFile implements WritableFile {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  @Override
  public void append(byte[] data, int off, int len) {
    out.write(data, off, len);
  }

  @Override
  public void flush() {}

  @Override
  public void sync() {}

  @Override
  public long size() {
    return out.size();
  }

  @Override
  public void close() {}

  byte[] bytes() {
    return out.toByteArray();
  }

  /** A readable view of {@code data}. */
  static ReadableFile readable(byte[] data) {
    return new ReadableFile() {
      @Override
      public int read(long position, byte[] dst, int off, int len) {
        if (position >= data.length) {
          return 0;
        }
        int n = (int) Math.min(len, data.length - position);
        System.arraycopy(data, (int) position, dst, off, n);
        return n;
      }

      @Override
      public long size() {
        return data.length;
      }

      @Override
      public void close() {}
    };
  }

  /** A copy of {@code data} cut to {@code length} bytes. */
  static byte[] truncate(byte[] data, int length) {
    return Arrays.copyOf(data, length);
  }
}
