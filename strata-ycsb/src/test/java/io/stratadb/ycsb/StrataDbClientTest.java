package io.stratadb.ycsb;

/** {@link StrataDbClient} against the binding contract. */
class StrataDbClientTest extends RecordStoreClientContract {
  @Override
  RecordStoreClient newClient() {
    return new StrataDbClient();
  }

  @Override
  String prefix() {
    return "strata";
  }
}
