package io.stratadb.ycsb;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.Vector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import site.ycsb.ByteIterator;
import site.ycsb.DBException;
import site.ycsb.Status;
import site.ycsb.StringByteIterator;

/** The behaviour every binding over a {@link RecordStore} must show; one subclass per engine. */
abstract class RecordStoreClientContract {
  private static final String TABLE = "usertable";

  @TempDir Path dir;
  private final List<RecordStoreClient> opened = new ArrayList<>();

  /** A new, uninitialised binding instance. */
  abstract RecordStoreClient newClient();

  /** The binding's property prefix. */
  abstract String prefix();

  @AfterEach
  void cleanupAll() throws DBException {
    for (RecordStoreClient c : opened) {
      c.cleanup();
    }
  }

  private RecordStoreClient open() throws DBException {
    RecordStoreClient client = newClient();
    Properties p = new Properties();
    p.setProperty(prefix() + ".dir", dir.resolve("db").toString());
    p.setProperty(prefix() + ".writebuffersize", "1m");
    p.setProperty(prefix() + ".cachesize", "1m");
    client.setProperties(p);
    client.init();
    opened.add(client);
    return client;
  }

  private static Map<String, ByteIterator> fields(String... namesAndValues) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      m.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return StringByteIterator.getByteIteratorMap(m);
  }

  private static Map<String, String> read(RecordStoreClient c, String key, Set<String> which) {
    Map<String, ByteIterator> out = new HashMap<>();
    assertEquals(Status.OK, c.read(TABLE, key, which, out));
    return StringByteIterator.getStringMap(out);
  }

  @Test
  void insertThenReadReturnsEveryFieldOrOnlyTheAskedOnes() throws DBException {
    RecordStoreClient c = open();
    assertEquals(Status.OK, c.insert(TABLE, "user1", fields("field0", "a", "field1", "bb", "field2", "")));

    assertEquals(Map.of("field0", "a", "field1", "bb", "field2", ""), read(c, "user1", null));
    assertEquals(Map.of("field1", "bb"), read(c, "user1", Set.of("field1", "nosuchfield")));
  }

  @Test
  void missingKeysAreNotFoundForReadAndUpdate() throws DBException {
    RecordStoreClient c = open();
    c.insert(TABLE, "user1", fields("f", "v"));

    assertEquals(Status.NOT_FOUND, c.read(TABLE, "user2", null, new HashMap<>()));
    assertEquals(Status.NOT_FOUND, c.read("othertable", "user1", null, new HashMap<>()));
    assertEquals(Status.NOT_FOUND, c.update(TABLE, "user2", fields("f", "w")));
    assertEquals(Status.NOT_FOUND, c.read(TABLE, "user2", null, new HashMap<>()));
  }

  @Test
  void updateReplacesTheGivenFieldsAndKeepsTheOthers() throws DBException {
    RecordStoreClient c = open();
    c.insert(TABLE, "user1", fields("field0", "a", "field1", "b"));

    assertEquals(Status.OK, c.update(TABLE, "user1", fields("field1", "B", "field2", "C")));

    assertEquals(Map.of("field0", "a", "field1", "B", "field2", "C"), read(c, "user1", null));
  }

  @Test
  void insertOverwritesTheWholeRecord() throws DBException {
    RecordStoreClient c = open();
    c.insert(TABLE, "user1", fields("field0", "a", "field1", "b"));
    c.insert(TABLE, "user1", fields("field2", "c"));

    assertEquals(Map.of("field2", "c"), read(c, "user1", null));
  }

  @Test
  void deleteMakesTheRecordNotFound() throws DBException {
    RecordStoreClient c = open();
    c.insert(TABLE, "user1", fields("f", "v"));

    assertEquals(Status.OK, c.delete(TABLE, "user1"));
    assertEquals(Status.OK, c.delete(TABLE, "user1"));

    assertEquals(Status.NOT_FOUND, c.read(TABLE, "user1", null, new HashMap<>()));
  }

  @Test
  void scanReturnsRecordCountRecordsInKeyOrderFromTheStartKeyWithinTheTable() throws DBException {
    RecordStoreClient c = open();
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      order.add(i);
    }
    Collections.shuffle(order, new java.util.Random(42));
    for (int i : order) {
      String key = String.format("user%02d", i);
      c.insert(TABLE, key, fields("id", key, "other", "x"));
    }
    c.insert("usertablf", "user00", fields("id", "next table"));
    c.insert("usertabl", "user99", fields("id", "previous table"));

    assertEquals(List.of("user05", "user06", "user07", "user08", "user09"), scanIds(c, "user05", 5, Set.of("id")));
    assertEquals(List.of("user17", "user18", "user19"), scanIds(c, "user165", 100, null));
    assertEquals(List.of(), scanIds(c, "user20", 10, null));
    assertEquals(List.of(), scanIds(c, "user00", 0, null));

    Vector<HashMap<String, ByteIterator>> rows = new Vector<>();
    c.scan(TABLE, "user03", 1, Set.of("other"), rows);
    assertEquals(Map.of("other", "x"), StringByteIterator.getStringMap(rows.get(0)));
  }

  private static List<String> scanIds(RecordStoreClient c, String start, int count, Set<String> which) {
    Vector<HashMap<String, ByteIterator>> rows = new Vector<>();
    assertEquals(Status.OK, c.scan(TABLE, start, count, which, rows));
    List<String> ids = new ArrayList<>();
    for (HashMap<String, ByteIterator> row : rows) {
      ids.add(row.get("id").toString());
    }
    return ids;
  }

  @Test
  void recordsSurviveCleanupAndReopen() throws DBException {
    RecordStoreClient first = open();
    first.insert(TABLE, "user1", fields("f", "v"));
    first.update(TABLE, "user1", fields("g", "w"));
    first.insert(TABLE, "user2", fields("f", "gone"));
    first.delete(TABLE, "user2");
    first.cleanup();
    opened.remove(first);
    assertEquals(Status.ERROR, first.read(TABLE, "user1", null, new HashMap<>()));

    RecordStoreClient second = open();
    assertEquals(Map.of("f", "v", "g", "w"), read(second, "user1", null));
    assertEquals(Status.NOT_FOUND, second.read(TABLE, "user2", null, new HashMap<>()));
  }

  @Test
  void clientThreadsShareOneEngineUntilTheLastCleanup() throws DBException {
    RecordStoreClient a = open();
    RecordStoreClient b = open();
    assertEquals(2, a.shared().references());
    a.insert(TABLE, "user1", fields("f", "v"));

    a.cleanup();
    opened.remove(a);

    assertEquals(1, b.shared().references());
    assertEquals(Map.of("f", "v"), read(b, "user1", null));
  }

  @Test
  void corruptRecordValueIsAnErrorNotWrongData() throws DBException {
    RecordStoreClient c = open();
    c.insert(TABLE, "user1", fields("f", "v"));
    c.shared().acquire(BindingSettings.from(c.getProperties(), prefix()))
        .put(RecordKey.of(TABLE, "user1"), "not a record".getBytes(UTF_8));
    c.shared().release();

    Map<String, ByteIterator> out = new HashMap<>();
    assertEquals(Status.ERROR, c.read(TABLE, "user1", null, out));
    assertTrue(out.isEmpty());
    assertEquals(Status.ERROR, c.update(TABLE, "user1", fields("f", "w")));
  }

  @Test
  void initWithoutADirectoryFails() {
    RecordStoreClient c = newClient();
    c.setProperties(new Properties());

    DBException e = assertThrows(DBException.class, c::init);
    assertTrue(e.getMessage().contains(prefix() + ".dir"), e.getMessage());
  }

  @Test
  void aSecondDirectoryInTheSameJvmIsRefused() throws DBException {
    open();
    RecordStoreClient other = newClient();
    Properties p = new Properties();
    p.setProperty(prefix() + ".dir", dir.resolve("elsewhere").toString());
    other.setProperties(p);

    assertThrows(DBException.class, other::init);
  }
}
