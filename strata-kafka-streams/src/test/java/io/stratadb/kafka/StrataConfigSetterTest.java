package io.stratadb.kafka;

import static io.stratadb.kafka.KeyValueStoreContractTest.b;
import static io.stratadb.kafka.KeyValueStoreContractTest.v;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.stratadb.Options;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code strata.config.setter} hook: found, called before the open and closed after it. */
class StrataConfigSetterTest {

  static final List<String> CALLS = new ArrayList<>();

  /** Records its calls; shrinks the memtable so a wrong option would show. */
  public static class RecordingSetter implements StrataConfigSetter {
    @Override
    public void setConfig(String storeName, Options.Builder options, Map<String, Object> configs) {
      CALLS.add("set " + storeName + " " + configs.get("my.app.setting"));
      options.writeBufferSize(64 << 10);
    }

    @Override
    public void close(String storeName, Options options) {
      CALLS.add("close " + storeName + " " + options.writeBufferSize());
    }
  }

  /** Forbids creating the database, so the open of a fresh store fails. */
  public static class NoCreateSetter implements StrataConfigSetter {
    @Override
    public void setConfig(String storeName, Options.Builder options, Map<String, Object> configs) {
      options.createIfMissing(false);
    }

    @Override
    public void close(String storeName, Options options) {
      CALLS.add("close " + storeName);
    }
  }

  @TempDir
  File stateDir;

  @BeforeEach
  void clear() {
    CALLS.clear();
  }

  private KeyValueStore<Bytes, byte[]> open(Object setter) {
    StoreHarness h = new StoreHarness(stateDir, 0, Map.of(StrataConfigSetter.CONFIG, setter, "my.app.setting", "42"));
    return h.init(StrataStores.persistentKeyValueStore("tuned").get());
  }

  @Test
  void theSetterTunesEachStoreAndIsClosedAfterIt() {
    KeyValueStore<Bytes, byte[]> store = open(RecordingSetter.class);
    assertEquals(List.of("set tuned 42"), CALLS);
    for (int i = 0; i < 2_000; i++) { // several 64 KiB memtables' worth
      store.put(b("key" + i), new byte[100]);
    }
    assertArrayEquals(new byte[100], store.get(b("key7")));
    store.close();
    assertEquals(List.of("set tuned 42", "close tuned 65536"), CALLS);
  }

  @Test
  void theSetterMayBeNamedByItsClassName() {
    KeyValueStore<Bytes, byte[]> store = open(RecordingSetter.class.getName());
    store.put(b("a"), v("A"));
    store.close();
    assertEquals(List.of("set tuned 42", "close tuned 65536"), CALLS);
  }

  @Test
  void theOptionsTheSetterChoseAreTheOnesUsedAndAFailedOpenClosesTheSetter() {
    assertThrows(ProcessorStateException.class, () -> open(NoCreateSetter.class));
    assertEquals(List.of("close tuned"), CALLS);
  }

  @Test
  void anUnusableSetterIsAConfigException() {
    assertThrows(ConfigException.class, () -> open("no.such.Setter"));
    assertThrows(ConfigException.class, () -> open(String.class));
  }
}
