package io.stratadb;

/**
 * A call was made on a {@link Db}, or on an iterator, snapshot or transaction of it, after {@link
 * Db#close()}. Part of the {@link StrataException} taxonomy (catch that to handle every engine
 * error in one place); before 0.1.0 it extended {@link IllegalStateException}.
 */
public class DbClosedException extends StrataException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception for the database in {@code dir}.
   *
   * @param dir the closed database's directory, named in the message
   */
  public DbClosedException(String dir) {
    super("database is closed: " + dir);
  }
}
