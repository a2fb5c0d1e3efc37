package io.stratadb.kafka;

import io.stratadb.Options;
import java.util.Map;

/**
 * Tunes the StrataDB {@link Options} of every StrataDB state store of a Kafka Streams application,
 * in the spirit of Kafka's {@code rocksdb.config.setter} ({@code RocksDBConfigSetter}): memory
 * budget, memtable size, block cache, compression, compaction strategy.
 *
 * <p>Name the implementing class in the application's configuration under {@link #CONFIG} (a
 * {@code Class} or a fully qualified class name). It needs a public no-argument constructor. The
 * stores create one instance per opened database, call {@link #setConfig} before the open and
 * {@link #close} after the database closed. For a window or session store, every segment is a
 * database of its own, so {@code setConfig} runs once per segment, with the store's name.
 *
 * <p>Example, a 32 MiB memtable and zstd below L2 for the store named {@code counts}:
 *
 * <pre>{@code
 * public class MySetter implements StrataConfigSetter {
 *   public void setConfig(String storeName, Options.Builder options, Map<String, Object> configs) {
 *     if (storeName.equals("counts")) {
 *       options.writeBufferSize(32 << 20);
 *     }
 *   }
 * }
 * props.put(StrataConfigSetter.CONFIG, MySetter.class);
 * }</pre>
 *
 * <p>Thread safety: Kafka Streams opens stores from its stream threads concurrently, so an
 * implementation that shares state between calls (a common block cache budget, say) guards it
 * itself.
 */
public interface StrataConfigSetter {

  /**
   * The application configuration key naming the setter class ({@code strata.config.setter});
   * absent means StrataDB's defaults as adjusted by {@link StoreDb#defaultOptions()}.
   */
  String CONFIG = "strata.config.setter";

  /**
   * Adjusts the options of one store's database before it opens.
   *
   * @param storeName the state store's name (for a segmented store, the store's, not the
   *     segment's)
   * @param options the builder to adjust, already holding the stores' defaults
   * @param configs the application's configuration, as {@code StateStoreContext.appConfigs()}
   *     gives it
   */
  void setConfig(String storeName, Options.Builder options, Map<String, Object> configs);

  /**
   * Releases what {@link #setConfig} made for the store (a shared cache reference, say), after the
   * store's database closed. Does nothing by default.
   *
   * @param storeName the state store's name, as given to {@link #setConfig}
   * @param options the options the database was opened with
   */
  default void close(String storeName, Options options) {}
}
