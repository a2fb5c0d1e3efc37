package io.stratadb;

import java.util.List;
import java.util.ServiceLoader;

/** The {@link DbProvider} found once, on first use of {@link Db#open}. Thread-safe (class initialisation). */
final class Providers {
  static final DbProvider ENGINE = find();

  private Providers() {}

  /**
   * The one provider on the class or module path.
   *
   * @throws IllegalStateException if there is none (strata-core's service declaration is missing)
   *     or more than one (another jar declares one: which would win is an accident of the path)
   */
  private static DbProvider find() {
    List<DbProvider> found = ServiceLoader.load(DbProvider.class, Providers.class.getClassLoader()).stream()
        .map(ServiceLoader.Provider::get).toList();
    if (found.size() != 1) {
      throw new IllegalStateException("expected one StrataDB engine (io.stratadb.DbProvider), found " + found.size()
          + (found.isEmpty() ? ": strata-core's META-INF/services/io.stratadb.DbProvider is missing" : ": " + found));
    }
    return found.get(0);
  }
}
