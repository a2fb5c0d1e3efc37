package io.stratadb.util;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;

/**
 * Frees a direct {@link ByteBuffer} (one from {@link ByteBuffer#allocateDirect} or {@link
 * java.nio.channels.FileChannel#map}) at once, which Java 17's public API cannot do: the JVM frees
 * such a buffer's memory, or unmaps its file, when the garbage collector finds the buffer
 * unreachable, maybe much later. It calls {@code sun.misc.Unsafe.invokeCleaner}, in the {@code
 * jdk.unsupported} module, which the JDK keeps for this use (Lucene's {@code MMapDirectory} and
 * Netty free buffers the same way). Where the method cannot be reached, {@link #free} does nothing
 * and the garbage collector frees the memory as before.
 *
 * <p>The caller must guarantee that nothing reads the buffer, or any slice of it, afterwards: such
 * a read crashes the JVM. Thread-safe.
 */
public final class DirectBuffers {
  private DirectBuffers() {}

  /** {@code theUnsafe.invokeCleaner(ByteBuffer)}, bound; null where unavailable. */
  private static final MethodHandle INVOKE_CLEANER = lookup();

  private static MethodHandle lookup() {
    try {
      Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
      Field field = unsafeClass.getDeclaredField("theUnsafe");
      field.setAccessible(true);
      Object unsafe = field.get(null);
      return MethodHandles.lookup()
          .findVirtual(unsafeClass, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class))
          .bindTo(unsafe);
    } catch (ReflectiveOperationException | RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(DirectBuffers.class).warn("cannot free direct buffers explicitly: "
          + "unmapped tables and freed off-heap caches keep their memory until a garbage collection", e);
      return null;
    }
  }

  /** Whether {@link #free} frees (false: it leaves that to the garbage collector). */
  public static boolean available() {
    return INVOKE_CLEANER != null;
  }

  /**
   * Frees {@code buffer}'s memory, or unmaps it if it maps a file. REQUIRES: {@code buffer} is the
   * direct buffer the JDK returned (not a slice or duplicate of one; {@link ByteBuffer#order} returns
   * the buffer itself), and no thread reads it or its slices any more.
   *
   * @throws IllegalArgumentException if {@code buffer} is not direct, or is a slice or duplicate
   */
  public static void free(ByteBuffer buffer) {
    if (INVOKE_CLEANER == null) {
      return;
    }
    try {
      INVOKE_CLEANER.invokeExact(buffer);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("invokeCleaner failed", e);
    }
  }
}
