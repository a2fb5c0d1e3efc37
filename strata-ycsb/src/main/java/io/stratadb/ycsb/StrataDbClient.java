package io.stratadb.ycsb;

/**
 * The YCSB binding of StrataDB: {@code -db io.stratadb.ycsb.StrataDbClient}. Reads its settings
 * from the {@code strata.*} properties ({@code strata.dir} is required; see {@link
 * BindingSettings}); all client threads of the JVM share one {@link io.stratadb.Db}. Operations
 * and record format are those of {@link RecordStoreClient} and {@link FieldCodec}.
 *
 * <p>YCSB uses each instance from one thread.
 */
public final class StrataDbClient extends RecordStoreClient {
  private static final SharedStore<StrataStore> SHARED = new SharedStore<>(StrataStore::open);

  /** Created by YCSB's client, one per client thread. */
  public StrataDbClient() {}

  @Override
  protected String propertyPrefix() {
    return "strata";
  }

  @Override
  SharedStore<StrataStore> shared() {
    return SHARED;
  }
}
