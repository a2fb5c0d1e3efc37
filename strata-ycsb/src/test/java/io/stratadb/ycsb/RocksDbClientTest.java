package io.stratadb.ycsb;

/** {@link RocksDbClient}, the benchmark peer, against the same binding contract. */
class RocksDbClientTest extends RecordStoreClientContract {
  @Override
  RecordStoreClient newClient() {
    return new RocksDbClient();
  }

  @Override
  String prefix() {
    return "rocksdb";
  }
}
