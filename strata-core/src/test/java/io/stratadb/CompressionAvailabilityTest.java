package io.stratadb;

import static io.stratadb.TestKeys.b;
import static io.stratadb.TestKeys.key;
import static io.stratadb.TestKeys.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The optional codecs' lookup: a library that is not on the class path gives a typed error naming
 * the Maven dependency (tested with an entry class that does not exist; a child JVM without
 * zstd-jni is in ModularApplicationTest), and LZ4 by default loads no native code.
 */
class CompressionAvailabilityTest {
  @TempDir Path tmp;

  /** Stands in for a codec whose native library fails to load: its initialiser throws. */
  static final class FailingInit {
    static {
      if (true) {
        throw new UnsatisfiedLinkError("no libzstd-jni in java.library.path");
      }
    }

    private FailingInit() {}
  }

  @Test
  void anAbsentLibraryIsATypedErrorNamingTheMavenDependency() {
    CompressionUnavailableException e = CodecLibrary.probe(Compression.ZSTD, "com.github.luben.zstd.NoSuchClass");
    assertNotNull(e);
    assertEquals(Compression.ZSTD, e.compression());
    assertTrue(e.dependency().matches("com\\.github\\.luben:zstd-jni:\\d[\\w.-]*"),
        "the build fills in the tested version: " + e.dependency());
    assertTrue(e.getMessage().contains("add the Maven dependency " + e.dependency()), e.getMessage());
    assertTrue(e.getMessage().contains("requires com.github.luben.zstd_jni"), e.getMessage());
    assertInstanceOf(ClassNotFoundException.class, e.getCause());
    assertInstanceOf(StrataException.class, e);

    CompressionUnavailableException snappy = CodecLibrary.probe(Compression.SNAPPY, "org.xerial.snappy.NoSuchClass");
    assertTrue(snappy.dependency().startsWith("org.xerial.snappy:snappy-java:"), snappy.dependency());
  }

  @Test
  void aNativeLibraryThatDoesNotLoadIsATypedErrorSayingSo() {
    CompressionUnavailableException e = CodecLibrary.probe(Compression.ZSTD, FailingInit.class.getName());
    assertNotNull(e);
    assertTrue(e.getMessage().contains("native library does not load"), e.getMessage());
  }

  @Test
  void librariesOnTheClassPathAreAvailable() {
    for (Compression c : Compression.values()) {
      assertTrue(c.isAvailable(), c + " (strata-core's tests have every codec)");
      c.requireAvailable();
    }
    assertNull(CodecLibrary.probe(Compression.ZSTD, Compression.ZSTD.library().entryClass()));
    assertNull(Compression.LZ4.library(), "LZ4 is a required dependency, never optional");
  }

  @Test
  void lz4LoadsNoNativeCodeByDefault() {
    Path dir = tmp.resolve("db");
    try (Db db = Db.open(dir, Options.builder().compression(Compression.LZ4).build())) {
      for (int i = 0; i < 2000; i++) {
        db.put(key(i), b(("value-" + i + "-").repeat(10)));
      }
      db.flush();
      assertEquals("value-7-".repeat(10), s(db.get(key(7))));
    }
    assertFalse(net.jpountz.util.Native.isLoaded(), "lz4-java's JNI library was loaded without io.stratadb.lz4.native");
  }
}
