package io.stratadb;

import java.nio.file.Path;

/**
 * Service-provider interface through which {@link Db#open(Path, Options)} finds the engine, by
 * {@link java.util.ServiceLoader} (as {@code java.sql.DriverManager} finds drivers): the API
 * package names no engine class, so the engine's packages depend on the API and never the other
 * way round. strata-core provides the one implementation, declared in its {@code module-info} and
 * in {@code META-INF/services}. Applications neither implement nor call it.
 *
 * <p>Thread safety: implementations are thread-safe.
 */
public interface DbProvider {
  /**
   * Opens or creates a database; see {@link Db#open(Path, Options)} for the contract, arguments
   * and exceptions.
   *
   * @param dir the database directory
   * @param options the tuning options
   * @return the open database, which the caller must close
   */
  Db open(Path dir, Options options);

  /**
   * Opens a database for reading only; see {@link Db#openReadOnly(Path, Options)} for the
   * contract, arguments and exceptions.
   *
   * @param dir the database directory
   * @param options the tuning options
   * @return the open, read-only database, which the caller must close
   */
  Db openReadOnly(Path dir, Options options);
}
