package io.stratadb.ycsb;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.Vector;
import site.ycsb.ByteArrayByteIterator;
import site.ycsb.ByteIterator;
import site.ycsb.DB;
import site.ycsb.DBException;
import site.ycsb.Status;

/**
 * The YCSB operations over any {@link RecordStore}: a record is one value ({@link FieldCodec}) under
 * one engine key ({@link RecordKey}). Engine-specific subclasses only name their property prefix
 * and their {@link SharedStore}.
 *
 * <ul>
 *   <li>{@code read}: one point lookup; {@code NOT_FOUND} if the key is absent.
 *   <li>{@code insert}: writes the whole record (overwriting any old one).
 *   <li>{@code update}: read-modify-write: the given fields replace those of the stored record,
 *       others are kept; {@code NOT_FOUND} if the key is absent. Not atomic across threads
 *       updating the same key (as YCSB's RocksDB binding): the last writer's fields win.
 *   <li>{@code scan}: one forward engine iterator from the start key, at most {@code recordcount}
 *       records of the same table.
 *   <li>{@code delete}: writes a tombstone; {@code OK} whether or not the key existed.
 * </ul>
 *
 * Any engine exception or malformed record makes the operation return {@code Status.ERROR}, after
 * the exception is logged (YCSB counts statuses, it cannot take exceptions).
 *
 * <p>Thread safety: YCSB uses each instance from one thread; instances share the engine.
 */
public abstract class RecordStoreClient extends DB {
  private static final System.Logger LOG = System.getLogger(RecordStoreClient.class.getName());

  private RecordStore store;
  /** Field names decoded before, reused by this instance's thread. */
  private final FieldNames fieldNames = new FieldNames();

  /** {@return the property prefix, e.g. {@code "strata"} for {@code strata.dir}} */
  protected abstract String propertyPrefix();

  /** The per-JVM engine holder of this binding. */
  abstract SharedStore<? extends RecordStore> shared();

  /**
   * Opens the shared engine, or takes another reference to it.
   *
   * @throws DBException if the properties are invalid or the engine fails to open
   */
  @Override
  public void init() throws DBException {
    if (store != null) {
      throw new DBException("init() called twice on one binding instance");
    }
    try {
      store = shared().acquire(BindingSettings.from(getProperties(), propertyPrefix()));
    } catch (RuntimeException e) {
      throw new DBException(getClass().getSimpleName() + " init failed: " + e.getMessage(), e);
    }
  }

  /**
   * Drops this instance's reference; the last one closes the engine.
   *
   * @throws DBException if closing the engine fails
   */
  @Override
  public void cleanup() throws DBException {
    if (store == null) {
      return;
    }
    store = null;
    try {
      shared().release();
    } catch (RuntimeException e) {
      throw new DBException(getClass().getSimpleName() + " cleanup failed: " + e.getMessage(), e);
    }
  }

  @Override
  public Status read(String table, String key, Set<String> fields, Map<String, ByteIterator> result) {
    try {
      byte[] record = open().get(RecordKey.of(table, key));
      if (record == null) {
        return Status.NOT_FOUND;
      }
      copyInto(record, fields, result);
      return Status.OK;
    } catch (RuntimeException e) {
      return error("read", key, e);
    }
  }

  @Override
  public Status scan(String table, String startkey, int recordcount, Set<String> fields,
      Vector<HashMap<String, ByteIterator>> result) {
    try {
      int[] left = {recordcount};
      if (left[0] <= 0) {
        return Status.OK;
      }
      open().scan(RecordKey.of(table, startkey), RecordKey.tableEnd(table), (k, record) -> {
        HashMap<String, ByteIterator> row = new HashMap<>();
        copyInto(record, fields, row);
        result.add(row);
        return --left[0] > 0;
      });
      return Status.OK;
    } catch (RuntimeException e) {
      return error("scan", startkey, e);
    }
  }

  @Override
  public Status update(String table, String key, Map<String, ByteIterator> values) {
    try {
      byte[] engineKey = RecordKey.of(table, key);
      byte[] old = open().get(engineKey);
      if (old == null) {
        return Status.NOT_FOUND;
      }
      Map<String, byte[]> merged = FieldCodec.decode(old, null, fieldNames);
      merged.putAll(toBytes(values));
      store.put(engineKey, FieldCodec.encode(merged));
      return Status.OK;
    } catch (RuntimeException e) {
      return error("update", key, e);
    }
  }

  @Override
  public Status insert(String table, String key, Map<String, ByteIterator> values) {
    try {
      open().put(RecordKey.of(table, key), FieldCodec.encode(toBytes(values)));
      return Status.OK;
    } catch (RuntimeException e) {
      return error("insert", key, e);
    }
  }

  @Override
  public Status delete(String table, String key) {
    try {
      open().delete(RecordKey.of(table, key));
      return Status.OK;
    } catch (RuntimeException e) {
      return error("delete", key, e);
    }
  }

  private RecordStore open() {
    if (store == null) {
      throw new IllegalStateException(getClass().getSimpleName() + " used before init() or after cleanup()");
    }
    return store;
  }

  private static Map<String, byte[]> toBytes(Map<String, ByteIterator> values) {
    Map<String, byte[]> fields = new LinkedHashMap<>();
    values.forEach((name, value) -> fields.put(name, value.toArray()));
    return fields;
  }

  /** Puts the {@code fields} of {@code record} (all if null) into {@code result}, as views of it. */
  private void copyInto(byte[] record, Set<String> fields, Map<String, ByteIterator> result) {
    FieldCodec.decode(record, fields, fieldNames,
        (name, bytes, offset, length) -> result.put(name, new ByteArrayByteIterator(bytes, offset, length)));
  }

  private Status error(String op, String key, RuntimeException e) {
    LOG.log(System.Logger.Level.ERROR, getClass().getSimpleName() + " " + op + " of key " + key + " failed", e);
    return Status.ERROR;
  }
}
