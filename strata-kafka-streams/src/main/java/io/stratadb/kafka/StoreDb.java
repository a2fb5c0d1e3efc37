package io.stratadb.kafka;

import io.stratadb.Compression;
import io.stratadb.Db;
import io.stratadb.Options;
import io.stratadb.StrataException;
import io.stratadb.WriteOptions;
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
 * <p>Writes go through {@link #writeOptions()}: by default without StrataDB's WAL, as Kafka's RocksDB
 * stores write (the changelog topic is the durable copy), so they are durable once a memtable flush
 * wrote them to an SSTable, which {@link #sync()} does at each commit; with {@link
 * StrataStores#WAL_CONFIG} on, through the WAL, which {@link #sync()} fsyncs.
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
  private final WriteOptions writeOptions;
  /** Whether the database was written since the last sync; the stream thread's only. */
  private boolean dirty;

  private StoreDb(String storeName, Path dir, Db db, Options options, StrataConfigSetter setter, boolean syncOnCommit,
      boolean wal) {
    this.storeName = storeName;
    this.writeOptions = wal ? WriteOptions.defaults() : WriteOptions.withoutWal();
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
   *     {@link StrataStores#SYNC_ON_COMMIT_CONFIG} or {@link StrataStores#WAL_CONFIG} is neither
   *     true nor false, or the first is false and the second set to false
   * @throws ProcessorStateException if the directory cannot be created or the database cannot be
   *     opened (I/O error, corruption, another instance holds it, or the options refuse it, such
   *     as {@code createIfMissing(false)} on a new store)
   */
  static StoreDb open(String storeName, Path dir, Map<String, Object> configs) {
    boolean syncOnCommit = flag(configs, StrataStores.SYNC_ON_COMMIT_CONFIG, true); // checked before anything is opened
    boolean wal = flag(configs, StrataStores.WAL_CONFIG, !syncOnCommit);
    if (!syncOnCommit && !wal) { // a commit that makes nothing durable, and no WAL behind it
      throw new ConfigException(StrataStores.SYNC_ON_COMMIT_CONFIG, "false", "needs "
          + StrataStores.WAL_CONFIG + "=true: without the WAL a commit that does not flush would leave"
          + " Kafka Streams' checkpoint ahead of the data, which a crash would then lose");
    }
    StrataConfigSetter setter = newSetter(configs.get(StrataConfigSetter.CONFIG));
    Options.Builder builder = defaultOptions();
    if (setter != null) {
      setter.setConfig(storeName, builder, configs);
    }
    Options options = builder.build();
    try {
      Files.createDirectories(dir);
      return new StoreDb(storeName, dir, Db.open(dir, options), options, setter, syncOnCommit, wal);
    } catch (IOException | StrataException | IllegalArgumentException e) {
      if (setter != null) {
        setter.close(storeName, options);
      }
      throw new ProcessorStateException("Error opening store " + storeName + " at location " + dir, e);
    }
  }

  private static boolean flag(Map<String, Object> configs, String key, boolean defaultValue) {
    Object value = configs.get(key);
    if (value == null) {
      return defaultValue;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    String text = value.toString().trim();
    if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(text);
    }
    throw new ConfigException(key, value, "must be true or false");
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

  /**
   * The options every write of the store uses: {@link WriteOptions#withoutWal()}, or with {@link
   * StrataStores#WAL_CONFIG} on the defaults (the WAL, unsynced).
   */
  WriteOptions writeOptions() {
    return writeOptions;
  }

  /**
   * Whether every write so far survives a crash of the process: made through the WAL, or made
   * durable by a {@link #sync()} since. A position saved now is then never ahead of the data.
   */
  boolean holdsAllWrites() {
    return !writeOptions.disableWal() || !dirty;
  }

  /** Records that the database was written since the last {@link #commit()}. */
  void written() {
    dirty = true;
  }

  /**
   * At a Kafka Streams commit (the store's {@code flush}): makes the writes durable ({@link #sync()})
   * if the database was written since the last sync, unless the application turned {@link
   * StrataStores#SYNC_ON_COMMIT_CONFIG} off. Kafka Streams records the changelog offsets the store
   * holds in its checkpoint file after this, so neither a crash nor a power loss leaves the
   * checkpoint ahead of the data.
   *
   * @throws ProcessorStateException if the sync fails
   */
  void commit() {
    if (syncOnCommit) {
      sync();
    }
  }

  /**
   * Makes the writes since the last sync durable, whatever {@link
   * StrataStores#SYNC_ON_COMMIT_CONFIG} says: flushes the memtable to an SSTable ({@link Db#flush()},
   * as Kafka's RocksDB store flushes at commits), or with {@link StrataStores#WAL_CONFIG} on fsyncs
   * the WAL ({@link Db#syncWal()}). Called before a durable save of what the store holds (Kafka's
   * checkpoint, the position), which must never be ahead of the data. Nothing if not written since.
   *
   * @throws ProcessorStateException if the flush or sync fails
   */
  void sync() {
    if (dirty) {
      try {
        if (writeOptions.disableWal()) {
          db.flush();
        } else {
          db.syncWal();
        }
      } catch (StrataException e) {
        throw new ProcessorStateException("Error syncing store " + storeName + " at location " + dir, e);
      }
      dirty = false;
    }
  }

  /**
   * Makes the writes durable ({@link #sync()}), closes the database, then lets the setter release
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
