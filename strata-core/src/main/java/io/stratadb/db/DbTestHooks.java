package io.stratadb.db;

import io.stratadb.Db;

/**
 * TEST ONLY: hooks into an open database's internals for tests in other packages (LevelDB's
 * {@code TEST_} methods). Every method is named {@code TEST_...}; production code never calls
 * them, and {@code io.stratadb.db} is not exported by the module, so applications cannot.
 *
 * <p>Thread safety: each hook is a volatile write, safe from any thread.
 */
public final class DbTestHooks {
  private DbTestHooks() {}

  /**
   * TEST ONLY: runs {@code hook} on the compacting thread after each compaction wrote its outputs
   * and before it installs them; null removes it.
   *
   * @throws IllegalArgumentException if {@code db} is not a StrataDB database opened by {@link Db#open}
   */
  public static void TEST_setBeforeCompactionInstall(Db db, Runnable hook) {
    impl(db).background().setBeforeCompactionInstall(hook);
  }

  /**
   * TEST ONLY: the database's block cache, which holds the memory budget's charges; null when
   * {@link io.stratadb.Options#blockCacheSize()} is 0.
   *
   * @throws IllegalArgumentException if {@code db} is not a StrataDB database opened by {@link Db#open}
   */
  public static io.stratadb.sstable.BlockCache TEST_blockCache(Db db) {
    return impl(db).blockCache();
  }

  /**
   * TEST ONLY: memtable charges let past the strict limit because no flush could free room.
   *
   * @throws IllegalArgumentException if {@code db} is not a StrataDB database opened by {@link Db#open}
   */
  public static long TEST_memtableOvershoots(Db db) {
    return impl(db).memtableBudget.overshoots();
  }

  /**
   * TEST ONLY: bytes charged by the memtables of {@code db} not yet flushed and dropped.
   *
   * @throws IllegalArgumentException if {@code db} is not a StrataDB database opened by {@link Db#open}
   */
  public static long TEST_memtableChargedBytes(Db db) {
    return impl(db).memtableBudget.chargedBytes();
  }

  private static DbImpl impl(Db db) {
    if (!(db instanceof DbImpl impl)) {
      throw new IllegalArgumentException("not a StrataDB database: " + db);
    }
    return impl;
  }
}
