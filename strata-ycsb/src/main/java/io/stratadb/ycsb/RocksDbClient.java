package io.stratadb.ycsb;

/**
 * The YCSB binding of RocksJava, the benchmark peer: {@code -db io.stratadb.ycsb.RocksDbClient}.
 * YCSB's own RocksDB binding is not on Maven Central; this one stores records exactly as {@link
 * StrataDbClient} does ({@link FieldCodec}, {@link RecordKey}) and reads the same settings under
 * the {@code rocksdb.*} prefix ({@code rocksdb.dir} is required; see {@link BindingSettings} and
 * {@link RocksStore}), so the two engines differ only in the engine. Benchmark-only.
 *
 * <p>YCSB uses each instance from one thread; all instances of the JVM share one RocksDB.
 */
public final class RocksDbClient extends RecordStoreClient {
  private static final SharedStore<RocksStore> SHARED = new SharedStore<>(RocksStore::open);

  /** Created by YCSB's client, one per client thread. */
  public RocksDbClient() {}

  @Override
  protected String propertyPrefix() {
    return "rocksdb";
  }

  @Override
  SharedStore<RocksStore> shared() {
    return SHARED;
  }
}
