/**
 * StrataDB's engine: an embedded, ordered, durable key-value store built as a log-structured merge
 * tree. The module exports the API ({@code io.stratadb}), the file-system interface an
 * application may supply to it ({@code io.stratadb.env}, LevelDB's {@code Env}) and the operators'
 * tools ({@code io.stratadb.admin}: verify, repair, dumps); every other package is internal.
 */
module io.stratadb {
  exports io.stratadb;
  exports io.stratadb.env;
  exports io.stratadb.admin;

  requires java.management;
  requires jdk.management; // Arena reads the JVM's direct-memory limit (HotSpotDiagnosticMXBean)
  requires jdk.unsupported; // DirectIo: O_DIRECT (ExtendedOpenOption); DirectBuffers: Unsafe.invokeCleaner
  requires org.slf4j;
  requires com.github.benmanes.caffeine;
  requires org.lz4.java;
  // Optional codecs (JNI): the application adds the library and, on the module path, the module.
  requires static com.github.luben.zstd_jni;
  requires static snappy.java;
  requires HdrHistogram;

  uses io.stratadb.DbProvider;

  provides io.stratadb.DbProvider with io.stratadb.db.DbOpen;
}
