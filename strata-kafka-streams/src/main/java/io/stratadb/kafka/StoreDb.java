package io.stratadb.kafka;

import io.stratadb.Compression;
import io.stratadb.Db;
import io.stratadb.Options;
import io.stratadb.StrataException;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.errors.ProcessorStateException;

/**
 * One open StrataDB {@link Db} behind a state store (or behind one segment of a window or session
 * store): opens it in a directory under the task's state directory with the options the
 * application's {@link StrataConfigSetter} chose, and closes it, then the setter.
 *
 * <p>On-disk layout: a key-value store named {@code counts} of task {@code 0_1} lives in {@code
 * <state.dir>/<application.id>/0_1/strata/counts/} ({@link #storeDir}), a StrataDB database
 * directory (WAL, SSTables, manifest); its IQv2 position sits beside it in {@code
 * strata/counts.position} ({@link PositionFile}).
 *
 * <p>Thread safety: {@link #open} and {@link #close} are called by the store's owner (the stream
 * thread); the {@link Db} itself is thread-safe.
 */
final class StoreDb implements AutoCloseable {

  /** The directory under the task's state directory that holds the StrataDB stores. */
  static final String STRATA_DIR = "strata";

  private final String storeName;
  private final Path dir;
  private final Db db;
  private final Options options;
  private final StrataConfigSetter setter;
  private final boolean syncOnCommit;
  /** Whether the database was written since the last sync; the stream thread's only. */
  private boolean dirty;

  private StoreDb(String storeName, Path dir, Db db, Options options, StrataConfigSetter setter, boolean syncOnCommit) {
    this.storeName = storeName;
    this.dir = dir;
    this.db = db;
    this.options = options;
    this.setter = setter;
    this.syncOnCommit = syncOnCommit;
  }

  /** The directory of the store {@code storeName} under the task state directory {@code stateDir}. */
  static Path storeDir(File stateDir, String storeName) {
    return stateDir.toPath().resolve(STRATA_DIR).resolve(storeName);
  }

  /**
   * The options every store starts from before the setter runs: StrataDB's defaults, except as
   * Kafka's RocksDB stores default ({@code RocksDBStore}): a 16 MiB memtable (with up to two
   * immutable ones, as RocksDB's three write buffers) and no compression; and without the JMX bean
   * (Kafka Streams reports store metrics through its own registry, and a JVM holds many stores).
   */
  static Options.Builder defaultOptions() {
    return Options.builder().writeBufferSize(16L << 20).maxImmutableMemtables(2).compression(Compression.NONE)
        .jmx(false);
  }

  /**
   * Opens (creating if absent) the database in {@code dir} for the store {@code storeName}.
   *
   * @param storeName the state store's name, passed to the setter
   * @param dir the database directory; its parents are created
   * @param configs the application's configuration ({@code StateStoreContext.appConfigs()})
   * @return the open database
   * @throws ConfigException if {@link StrataConfigSetter#CONFIG} names no loadable setter class, or
   *     {@link StrataStores#SYNC_ON_COMMIT_CONFIG} is neither true nor false
   * @throws ProcessorStateException if the directory cannot be created or the database cannot be
   *     opened (I/O error, corruption, another instance holds it, or the options refuse it, such
   *     as {@code createIfMissing(false)} on a new store)
   */
  static StoreDb open(String storeName, Path dir, Map<String, Object> configs) {
    boolean syncOnCommit = syncOnCommit(configs); // checked before anything is opened
    StrataConfigSetter setter = newSetter(configs.get(StrataConfigSetter.CONFIG));
    Options.Builder builder = defaultOptions();
    if (setter != null) {
      setter.setConfig(storeName, builder, configs);
    }
    Options options = builder.build();
    try {
      Files.createDirectories(dir);
      return new StoreDb(storeName, dir, Db.open(dir, options), options, setter, syncOnCommit);
    } catch (IOException | StrataException | IllegalArgumentException e) {
      if (setter != null) {
        setter.close(storeName, options);
      }
      throw new ProcessorStateException("Error opening store " + storeName + " at location " + dir, e);
    }
  }

  private static boolean syncOnCommit(Map<String, Object> configs) {
    Object value = configs.get(StrataStores.SYNC_ON_COMMIT_CONFIG);
    if (value == null) {
      return true;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    String text = value.toString().trim();
    if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(text);
    }
    throw new ConfigException(StrataStores.SYNC_ON_COMMIT_CONFIG, value, "must be true or false");
  }

  private static StrataConfigSetter newSetter(Object value) {
    if (value == null) {
      return null;
    }
    try {
      Class<?> type = value instanceof Class<?> c ? c
          : Class.forName(value.toString().trim(), true, Thread.currentThread().getContextClassLoader());
      if (!StrataConfigSetter.class.isAssignableFrom(type)) {
        throw new ConfigException(StrataConfigSetter.CONFIG, value, "does not implement " + StrataConfigSetter.class.getName());
      }
      return (StrataConfigSetter) type.getDeclaredConstructor().newInstance();
    } catch (ClassNotFoundException | NoSuchMethodException | InstantiationException | IllegalAccessException
        | InvocationTargetException e) {
      throw new ConfigException(StrataConfigSetter.CONFIG, value, "cannot instantiate: " + e);
    }
  }

  /** The open database. */
  Db db() {
    return db;
  }

  /** The options it was opened with. */
  Options options() {
    return options;
  }

  /** Its directory. */
  Path dir() {
    return dir;
  }

  /** Records that the database was written since the last {@link #commit()}. */
  void written() {
    dirty = true;
  }

  /**
   * At a Kafka Streams commit (the store's {@code flush}): fsyncs the WAL ({@link Db#syncWal()}) if
   * the database was written since the last sync, unless the application turned {@link
   * StrataStores#SYNC_ON_COMMIT_CONFIG} off. Kafka Streams records the changelog offsets the store
   * holds in its checkpoint file after this, so a power loss never leaves the checkpoint ahead of
   * the data.
   *
   * @throws ProcessorStateException if the sync fails
   */
  void commit() {
    if (syncOnCommit) {
      sync();
    }
  }

  /**
   * Fsyncs the WAL if written since the last sync, whatever {@link
   * StrataStores#SYNC_ON_COMMIT_CONFIG} says: before a durable save of what the store holds (its
   * position at close), which must never be ahead of the data.
   *
   * @throws ProcessorStateException if the sync fails
   */
  void sync() {
    if (dirty) {
      try {
        db.syncWal();
      } catch (StrataException e) {
        throw new ProcessorStateException("Error syncing store " + storeName + " at location " + dir, e);
      }
      dirty = false;
    }
  }

  /**
   * Syncs the WAL if written since the last sync, closes the database, then lets the setter release
   * its resources. Call once.
   *
   * @throws ProcessorStateException if the database fails to sync or close
   */
  @Override
  public void close() {
    ProcessorStateException failure = null;
    try {
      sync();
    } catch (ProcessorStateException e) {
      failure = e; // the database is closed all the same
    }
    try {
      db.close();
    } catch (StrataException e) {
      ProcessorStateException closing =
          new ProcessorStateException("Error closing store " + storeName + " at location " + dir, e);
      if (failure == null) {
        failure = closing;
      } else {
        failure.addSuppressed(closing);
      }
    } finally {
      if (setter != null) {
        setter.close(storeName, options);
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
