package io.stratadb;

import java.util.ServiceLoader;

/** The {@link DbProvider} found once, on first use of {@link Db#open}. Thread-safe (class initialisation). */
final class Providers {
  static final DbProvider ENGINE = ServiceLoader.load(DbProvider.class, Providers.class.getClassLoader())
      .findFirst()
      .orElseThrow(() -> new IllegalStateException(
          "no StrataDB engine found: strata-core's META-INF/services/io.stratadb.DbProvider is missing"));

  private Providers() {}
}
