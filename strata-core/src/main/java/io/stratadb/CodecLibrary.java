package io.stratadb;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds out, once per codec, whether an optional codec library (snappy-java, zstd-jni) is usable:
 * its entry class is found through strata-core's class loader and initialises (which loads its
 * native library). The versions StrataDB is built and tested with come from {@code
 * codec-versions.properties}, filled in by the build from the parent pom. Thread-safe.
 */
final class CodecLibrary {
  private static final Map<Compression, Optional<CompressionUnavailableException>> PROBED =
      new ConcurrentHashMap<>();
  private static final Properties VERSIONS = loadVersions();

  private CodecLibrary() {}

  /**
   * Throws when {@code compression}'s library is not usable; returns at once for codecs without an
   * optional library. The first call per codec probes it (and may load its native library).
   *
   * @throws CompressionUnavailableException if the library is absent or does not load
   */
  static void require(Compression compression) {
    if (compression.library() == null) {
      return;
    }
    Optional<CompressionUnavailableException> failure = PROBED.computeIfAbsent(compression,
        c -> Optional.ofNullable(probe(c, c.library().entryClass())));
    if (failure.isPresent()) {
      // A fresh exception per call, so each failing caller gets its own stack trace.
      CompressionUnavailableException e = failure.get();
      throw new CompressionUnavailableException(e.compression(), e.dependency(), e.getMessage(), e.getCause());
    }
  }

  /**
   * Looks up and initialises {@code entryClass} for {@code compression}, without caching: the seam
   * the tests use with a class that does not exist.
   *
   * @return null if the class loads and initialises, else the exception to throw
   */
  static CompressionUnavailableException probe(Compression compression, String entryClass) {
    Compression.Library library = compression.library();
    String version = VERSIONS.getProperty(library.artifactId(), "");
    String dependency = library.groupId() + ":" + library.artifactId() + (version.isEmpty() ? "" : ":" + version);
    try {
      Class.forName(entryClass, true, CodecLibrary.class.getClassLoader());
      return null;
    } catch (ClassNotFoundException | NoClassDefFoundError e) {
      return new CompressionUnavailableException(compression, dependency, "compression " + compression
          + " needs " + library.artifactId() + ", an optional dependency of strata-core that is not on the"
          + " class path: add the Maven dependency " + dependency + " (Gradle: implementation(\"" + dependency
          + "\")); a modular application also puts it on the module path and writes requires "
          + library.moduleName() + " (or runs with --add-modules " + library.moduleName() + ")", e);
    } catch (LinkageError | RuntimeException e) {
      return new CompressionUnavailableException(compression, dependency, "compression " + compression
          + " needs " + library.artifactId() + " (" + dependency + "), whose native library does not load on "
          + System.getProperty("os.name") + "/" + System.getProperty("os.arch") + ": " + e, e);
    }
  }

  private static Properties loadVersions() {
    Properties versions = new Properties();
    try (InputStream in = CodecLibrary.class.getResourceAsStream("codec-versions.properties")) {
      if (in != null) {
        versions.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read strata-core's codec-versions.properties", e);
    }
    return versions;
  }
}
