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
    if (!(db instanceof DbImpl impl)) {
      throw new IllegalArgumentException("not a StrataDB database: " + db);
    }
    impl.background().setBeforeCompactionInstall(hook);
  }
}
