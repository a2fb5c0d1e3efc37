package io.stratadb.kafka;

import static io.stratadb.kafka.KeyValueStoreContractTest.b;
import static io.stratadb.kafka.KeyValueStoreContractTest.keys;
import static io.stratadb.kafka.KeyValueStoreContractTest.v;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What StrataDB's key-value store does beyond (or differently from) the shared contract. */
class StrataKeyValueStoreTest {

  @TempDir
  File stateDir;

  @TempDir
  File crashDir;

  private KeyValueStore<Bytes, byte[]> open(StoreHarness h) {
    return h.init(StrataStores.persistentKeyValueStore("store").get());
  }

  @Test
  void prefixScanOfAPrefixEndingInFfReturnsOnlyPrefixedKeys() {
    KeyValueStore<Bytes, byte[]> store = open(new StoreHarness(stateDir, 0, Map.of()));
    try {
      store.put(Bytes.wrap(new byte[] {1, (byte) 0xFF}), v("f1"));
      store.put(Bytes.wrap(new byte[] {1, (byte) 0xFF, 0}), v("f2"));
      store.put(Bytes.wrap(new byte[] {2}), v("f3"));
      store.put(Bytes.wrap(new byte[] {(byte) 0xFF, (byte) 0xFF, 7}), v("f4"));
      try (KeyValueIterator<Bytes, byte[]> it = store.prefixScan(new byte[] {1, (byte) 0xFF}, (t, p) -> p)) {
        assertEquals(Bytes.wrap(new byte[] {1, (byte) 0xFF}), it.next().key);
        assertEquals(Bytes.wrap(new byte[] {1, (byte) 0xFF, 0}), it.next().key);
        assertFalse(it.hasNext());
      }
      try (KeyValueIterator<Bytes, byte[]> it = store.prefixScan(new byte[] {(byte) 0xFF, (byte) 0xFF}, (t, p) -> p)) {
        assertEquals(Bytes.wrap(new byte[] {(byte) 0xFF, (byte) 0xFF, 7}), it.next().key);
        assertFalse(it.hasNext());
      }
      try (KeyValueIterator<Bytes, byte[]> it = store.prefixScan(new byte[0], (t, p) -> p)) {
        int n = 0;
        while (it.hasNext()) {
          it.next();
          n++;
        }
        assertEquals(4, n, "the empty prefix covers every key");
      }
    } finally {
      store.close();
    }
  }

  /**
   * A database closed under the store (what an interactive-query thread meets when the stream
   * thread closes the store between its check and its read) is a closed store, as Kafka's RocksDB
   * store reports it: {@code InvalidStateStoreException}, not a storage failure. The database is
   * closed here directly (through the store's private field) to make that moment deterministic.
   */
  @Test
  void aDatabaseClosedUnderTheStoreIsAClosedStore() throws Exception {
    KeyValueStore<Bytes, byte[]> store = open(new StoreHarness(stateDir, 0, Map.of()));
    store.put(b("a"), v("A"));
    KeyValueIterator<Bytes, byte[]> open = store.all();
    java.lang.reflect.Field field = StrataKeyValueStore.class.getDeclaredField("db");
    field.setAccessible(true);
    ((io.stratadb.Db) field.get(store)).close();
    assertThrows(InvalidStateStoreException.class, () -> store.get(b("a")));
    assertThrows(InvalidStateStoreException.class, () -> store.put(b("a"), v("B")));
    assertThrows(InvalidStateStoreException.class, () -> store.putAll(List.of(KeyValue.pair(b("c"), v("C")))));
    assertThrows(InvalidStateStoreException.class, () -> store.delete(b("a")));
    assertThrows(InvalidStateStoreException.class, store::all);
    assertThrows(InvalidStateStoreException.class, () -> store.range(b("a"), b("z")));
    assertThrows(InvalidStateStoreException.class, store::approximateNumEntries);
    assertThrows(InvalidStateStoreException.class, () -> {
      open.hasNext();
      open.next();
    });
    open.close();
  }

  @Test
  void theDatabaseLivesUnderStrataInTheTaskStateDirectory() {
    KeyValueStore<Bytes, byte[]> store = open(new StoreHarness(stateDir, 0, Map.of()));
    store.put(b("a"), v("A"));
    store.close();
    assertTrue(Files.isDirectory(stateDir.toPath().resolve("strata").resolve("store")));
    assertTrue(Files.exists(stateDir.toPath().resolve("strata").resolve("store").resolve("CURRENT")));
  }

  @Test
  void thePositionSurvivesCommitAndReopen() throws Exception {
    StoreHarness h = new StoreHarness(stateDir, 0, Map.of());
    KeyValueStore<Bytes, byte[]> store = open(h);
    h.processing("input", 0, 41);
    store.put(b("a"), v("A"));
    h.commit();
    h.processing("input", 0, 42);
    store.put(b("b"), v("B"));
    store.close(); // saves the position too
    KeyValueStore<Bytes, byte[]> again = open(new StoreHarness(stateDir, 0, Map.of()));
    try {
      assertEquals(Position.emptyPosition().withComponent("input", 0, 42), again.getPosition());
      assertEquals(List.of("a=A", "b=B"), keys(again.all()));
    } finally {
      again.close();
    }
  }

  @Test
  void withTheWalOnCommitSyncsTheWalOnlyAfterWrites() {
    StoreHarness h = new StoreHarness(stateDir, 0, Map.of(StrataStores.WAL_CONFIG, "true"));
    KeyValueStore<Bytes, byte[]> store = open(h);
    try {
      double syncs = h.gauge("store", "wal-syncs");
      store.commit(Map.of(new org.apache.kafka.common.TopicPartition("app-store-changelog", 0), 1L));
      assertEquals(syncs, h.gauge("store", "wal-syncs"), "nothing written, nothing to sync");
      store.put(b("a"), v("A"));
      store.put(b("b"), v("B"));
      store.commit(Map.of(new org.apache.kafka.common.TopicPartition("app-store-changelog", 0), 1L));
      assertEquals(syncs + 1, h.gauge("store", "wal-syncs"));
      store.commit(Map.of(new org.apache.kafka.common.TopicPartition("app-store-changelog", 0), 1L));
      assertEquals(syncs + 1, h.gauge("store", "wal-syncs"));
      store.delete(b("a"));
      store.commit(Map.of(new org.apache.kafka.common.TopicPartition("app-store-changelog", 0), 1L));
      assertEquals(syncs + 2, h.gauge("store", "wal-syncs"));
      store.put(b("c"), v("C"));
      deprecatedFlush(store); // Kafka Streams before 4.x called flush; it commits the same way
      assertEquals(syncs + 3, h.gauge("store", "wal-syncs"));
    } finally {
      store.close();
    }
  }

  @Test
  void withSyncOnCommitOffCommitDoesNotSync() {
    StoreHarness h = new StoreHarness(stateDir, 0,
        Map.of(StrataStores.SYNC_ON_COMMIT_CONFIG, "false", StrataStores.WAL_CONFIG, "true"));
    KeyValueStore<Bytes, byte[]> store = open(h);
    try {
      double syncs = h.gauge("store", "wal-syncs");
      store.put(b("a"), v("A"));
      store.commit(Map.of(new org.apache.kafka.common.TopicPartition("app-store-changelog", 0), 1L));
      assertEquals(syncs, h.gauge("store", "wal-syncs"));
    } finally {
      store.close();
    }
  }

  @Test
  void byDefaultWritesSkipTheWalAndACommitFlushesTheMemtableOnlyAfterWrites() {
    StoreHarness h = new StoreHarness(stateDir, 0, Map.of());
    KeyValueStore<Bytes, byte[]> store = open(h);
    try {
      double flushes = h.gauge("store", "flushes");
      store.commit(Map.of());
      assertEquals(flushes, h.gauge("store", "flushes"), "nothing written, nothing to flush");
      store.put(b("a"), v("A"));
      store.putAll(List.of(new org.apache.kafka.streams.KeyValue<>(b("b"), v("B"))));
      assertTrue(h.gauge("store", "memtable-bytes") > 0);
      store.commit(Map.of());
      assertEquals(flushes + 1, h.gauge("store", "flushes"));
      assertEquals(0.0, h.gauge("store", "memtable-bytes"), "the commit flushed the memtable");
      store.commit(Map.of());
      assertEquals(flushes + 1, h.gauge("store", "flushes"), "nothing written since");
      store.delete(b("a"));
      deprecatedFlush(store);
      assertEquals(flushes + 2, h.gauge("store", "flushes"));
      assertEquals(0.0, h.gauge("store", "wal-syncs"), "no WAL, no WAL sync");
      assertEquals(List.of("b=B"), keys(store.all()));
    } finally {
      store.close();
    }
  }

  /** Opens the stores on {@link #CRASHING}, whose copies show what a crash would leave. */
  public static class CrashingSetter implements StrataConfigSetter {
    @Override
    public void setConfig(String storeName, io.stratadb.Options.Builder options, Map<String, Object> configs) {
      options.fileSystem(CRASHING);
    }
  }

  static final io.stratadb.env.FaultInjectionFileSystem CRASHING = new io.stratadb.env.FaultInjectionFileSystem();

  /** The store's state directory as a crash of the process now would leave it, in a new directory. */
  private File crashCopy(String name) throws Exception {
    File copy = new File(crashDir, name);
    java.nio.file.Path strata = stateDir.toPath().resolve("strata");
    java.nio.file.Path target = copy.toPath().resolve("strata");
    CRASHING.copyAsAfterProcessCrash(strata.resolve("store"), target.resolve("store"));
    if (Files.exists(strata.resolve("store.position"))) { // written by the store, not through the file system above
      Files.copy(strata.resolve("store.position"), target.resolve("store.position"));
    }
    return copy;
  }

  @Test
  void aCrashAfterACommitKeepsWhatItCommittedAndThePositionIsNeverAheadOfTheData() throws Exception {
    StoreHarness h = new StoreHarness(stateDir, 0, Map.of(StrataConfigSetter.CONFIG, CrashingSetter.class));
    KeyValueStore<Bytes, byte[]> store = open(h);
    File afterCommit;
    File afterPut;
    try {
      h.processing("input", 0, 1);
      store.put(b("a"), v("A"));
      h.processing("input", 0, 2);
      store.put(b("b"), v("B"));
      store.commit(Map.of()); // as Kafka Streams commits: the store, then the commit callbacks, then its checkpoint
      h.commit();
      afterCommit = crashCopy("after-commit");
      h.processing("input", 0, 3);
      store.put(b("c"), v("C")); // not committed: in the memtable only
      store.put(b("a"), v("A2"));
      afterPut = crashCopy("after-put");
    } finally {
      store.close();
    }
    for (File crashed : List.of(afterCommit, afterPut)) {
      KeyValueStore<Bytes, byte[]> again = open(new StoreHarness(crashed, 0, Map.of()));
      try {
        assertEquals(List.of("a=A", "b=B"), keys(again.all()), crashed.getName());
        assertEquals(Position.emptyPosition().withComponent("input", 0, 2), again.getPosition(), crashed.getName());
      } finally {
        again.close();
      }
    }
  }

  @Test
  void aCommitCallbackWithoutTheStoresCommitSavesNoPositionAheadOfTheData() throws Exception {
    StoreHarness h = new StoreHarness(stateDir, 0, Map.of(StrataConfigSetter.CONFIG, CrashingSetter.class));
    KeyValueStore<Bytes, byte[]> store = open(h);
    File crashed;
    try {
      h.processing("input", 0, 1);
      store.put(b("a"), v("A"));
      store.commit(Map.of());
      h.processing("input", 0, 2);
      store.put(b("b"), v("B"));
      h.commit(); // the position covers b, which is in the memtable only
      crashed = crashCopy("callback");
    } finally {
      store.close();
    }
    KeyValueStore<Bytes, byte[]> again = open(new StoreHarness(crashed, 0, Map.of()));
    try {
      assertEquals(List.of("a=A"), keys(again.all()));
      assertEquals(Position.emptyPosition(), again.getPosition(), "older than the data is safe, newer is not");
    } finally {
      again.close();
    }
  }

  @Test
  void aCrashBeforeAnyCommitLeavesAnEmptyStoreAtAnEmptyPosition() throws Exception {
    StoreHarness h = new StoreHarness(stateDir, 0, Map.of(StrataConfigSetter.CONFIG, CrashingSetter.class));
    KeyValueStore<Bytes, byte[]> store = open(h);
    File crashed;
    try {
      h.processing("input", 0, 7);
      store.put(b("a"), v("A"));
      h.restore(List.of(StoreHarness.changelog("app-store-changelog", 0, "r".getBytes(), v("R"))));
      crashed = crashCopy("uncommitted");
    } finally {
      store.close();
    }
    KeyValueStore<Bytes, byte[]> again = open(new StoreHarness(crashed, 0, Map.of()));
    try {
      assertEquals(List.of(), keys(again.all()), "lost with the memtable; Kafka Streams restores it from the changelog");
      assertEquals(Position.emptyPosition(), again.getPosition());
    } finally {
      again.close();
    }
  }

  @Test
  void withTheWalOnAPutSurvivesACrashWithoutACommit() throws Exception {
    StoreHarness h = new StoreHarness(stateDir, 0,
        Map.of(StrataConfigSetter.CONFIG, CrashingSetter.class, StrataStores.WAL_CONFIG, true));
    KeyValueStore<Bytes, byte[]> store = open(h);
    File crashed;
    try {
      store.put(b("a"), v("A"));
      crashed = crashCopy("wal");
    } finally {
      store.close();
    }
    KeyValueStore<Bytes, byte[]> again = open(new StoreHarness(crashed, 0, Map.of(StrataStores.WAL_CONFIG, true)));
    try {
      assertEquals(List.of("a=A"), keys(again.all()));
    } finally {
      again.close();
    }
  }

  @Test
  void aSyncOnCommitValueThatIsNotABooleanIsAConfigException() {
    StoreHarness h = new StoreHarness(stateDir, 0, Map.of(StrataStores.SYNC_ON_COMMIT_CONFIG, "yes"));
    org.junit.jupiter.api.Assertions.assertThrows(org.apache.kafka.common.config.ConfigException.class,
        () -> open(h));
    open(new StoreHarness(stateDir, 0, Map.of())).close(); // nothing was left open (and locked)
  }

  @Test
  void aStoreInitialisedAgainAfterItsStateWasWipedStartsFromAnEmptyPosition() throws Exception {
    StoreHarness h = new StoreHarness(stateDir, 0, Map.of());
    KeyValueStore<Bytes, byte[]> store = open(h);
    h.processing("input", 0, 5);
    store.put(b("a"), v("A"));
    store.close();
    try (java.util.stream.Stream<java.nio.file.Path> files = Files.walk(stateDir.toPath().resolve("strata"))) {
      files.sorted(java.util.Comparator.reverseOrder()).map(java.nio.file.Path::toFile).forEach(File::delete);
    }
    StoreHarness fresh = new StoreHarness(stateDir, 0, Map.of());
    store.init(fresh.processorContext.getStateStoreContext(), store); // Kafka revives a task's stores so
    try {
      assertEquals(Position.emptyPosition(), store.getPosition());
      assertEquals(List.of(), keys(store.all()));
    } finally {
      store.close();
    }
  }

  @Test
  void aFailedRegistrationLeavesTheDatabaseClosed() {
    StoreHarness h = new StoreHarness(stateDir, 0, Map.of());
    KeyValueStore<Bytes, byte[]> store = StrataStores.persistentKeyValueStore("store").get();
    org.apache.kafka.streams.processor.StateStoreContext refusing = new ForwardingStateStoreContext(
        h.processorContext.getStateStoreContext()) {
      @Override
      public void register(org.apache.kafka.streams.processor.StateStore s,
          org.apache.kafka.streams.processor.StateRestoreCallback callback,
          org.apache.kafka.streams.processor.CommitCallback commit) {
        throw new IllegalArgumentException("store already registered");
      }
    };
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> store.init(refusing, store));
    assertFalse(store.isOpen());
    KeyValueStore<Bytes, byte[]> again = open(h); // the directory's LOCK was released
    again.close();
  }

  static final FailingSyncFileSystem FAILING = new FailingSyncFileSystem();

  /** Opens the stores on {@link #FAILING}. */
  public static class FailingSyncSetter implements StrataConfigSetter {
    @Override
    public void setConfig(String storeName, io.stratadb.Options.Builder options, Map<String, Object> configs) {
      options.fileSystem(FAILING);
    }
  }

  @Test
  void aFailedSyncIsAProcessorStateExceptionAndTheCloseStillReleasesTheDatabase() {
    FAILING.failSyncs = false;
    KeyValueStore<Bytes, byte[]> store = open(new StoreHarness(stateDir, 0,
        Map.of(StrataConfigSetter.CONFIG, FailingSyncSetter.class, StrataStores.WAL_CONFIG, true)));
    store.put(b("a"), v("A"));
    FAILING.failSyncs = true;
    try {
      org.junit.jupiter.api.Assertions.assertThrows(org.apache.kafka.streams.errors.ProcessorStateException.class,
          () -> store.commit(Map.of()));
      org.junit.jupiter.api.Assertions.assertThrows(org.apache.kafka.streams.errors.ProcessorStateException.class,
          store::close);
    } finally {
      FAILING.failSyncs = false;
    }
    assertFalse(store.isOpen());
    KeyValueStore<Bytes, byte[]> again = open(new StoreHarness(stateDir, 0, Map.of())); // not locked any more
    try {
      assertEquals(List.of("a=A"), keys(again.all()), "the write reached the OS before the failed sync");
    } finally {
      again.close();
    }
  }

  @SuppressWarnings("deprecation")
  private static void deprecatedFlush(KeyValueStore<Bytes, byte[]> store) {
    store.flush();
  }
}
