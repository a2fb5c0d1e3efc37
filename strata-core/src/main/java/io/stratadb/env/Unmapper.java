package io.stratadb.env;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.MappedByteBuffer;

/**
 * Unmaps a {@link MappedByteBuffer} at once, which Java 17's public API cannot do (the buffer is
 * unmapped when the garbage collector finds it unreachable, maybe much later; until then a
 * deleted file keeps its disk space and its address range). It calls {@code
 * sun.misc.Unsafe.invokeCleaner}, in the {@code jdk.unsupported} module, which the JDK keeps for
 * this use (Lucene's {@code MMapDirectory} and Netty unmap the same way). Where the method cannot
 * be reached, {@link #unmap} does nothing and the garbage collector unmaps as before.
 *
 * <p>The caller must guarantee that nothing reads the buffer, or any slice of it, afterwards: such
 * a read crashes the JVM. Thread-safe.
 */
final class Unmapper {
  private Unmapper() {}

  /** {@code theUnsafe.invokeCleaner(ByteBuffer)}, bound; null where unavailable. */
  private static final MethodHandle INVOKE_CLEANER = lookup();

  private static MethodHandle lookup() {
    try {
      Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
      Field field = unsafeClass.getDeclaredField("theUnsafe");
      field.setAccessible(true);
      Object unsafe = field.get(null);
      return MethodHandles.lookup()
          .findVirtual(unsafeClass, "invokeCleaner", MethodType.methodType(void.class, java.nio.ByteBuffer.class))
          .bindTo(unsafe);
    } catch (ReflectiveOperationException | RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(Unmapper.class)
          .warn("cannot unmap files explicitly; deleted tables keep their space until a garbage collection", e);
      return null;
    }
  }

  /** Whether {@link #unmap} unmaps (false: it leaves that to the garbage collector). */
  static boolean available() {
    return INVOKE_CLEANER != null;
  }

  /**
   * Unmaps {@code buffer}, a buffer {@link java.nio.channels.FileChannel#map} returned (not a
   * slice or duplicate of one). REQUIRES: no thread reads it or its slices any more.
   */
  static void unmap(MappedByteBuffer buffer) {
    if (INVOKE_CLEANER == null) {
      return;
    }
    try {
      INVOKE_CLEANER.invokeExact((java.nio.ByteBuffer) buffer);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("invokeCleaner failed", e);
    }
  }
}
