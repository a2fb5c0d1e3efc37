package io.stratadb.env;

import io.stratadb.util.DirectBuffers;
import java.nio.MappedByteBuffer;

/**
 * Unmaps a {@link MappedByteBuffer} at once, which Java 17's public API cannot do (the buffer is
 * unmapped when the garbage collector finds it unreachable, maybe much later; until then a
 * deleted file keeps its disk space and its address range): {@link DirectBuffers#free}. Where that
 * cannot free, {@link #unmap} does nothing and the garbage collector unmaps as before.
 *
 * <p>The caller must guarantee that nothing reads the buffer, or any slice of it, afterwards: such
 * a read crashes the JVM. Thread-safe.
 */
final class Unmapper {
  private Unmapper() {}

  /** Whether {@link #unmap} unmaps (false: it leaves that to the garbage collector). */
  static boolean available() {
    return DirectBuffers.available();
  }

  /**
   * Unmaps {@code buffer}, a buffer {@link java.nio.channels.FileChannel#map} returned (not a
   * slice or duplicate of one). REQUIRES: no thread reads it or its slices any more.
   */
  static void unmap(MappedByteBuffer buffer) {
    DirectBuffers.free(buffer);
  }
}
