package io.stratadb;

/** A call was made on a {@link Db} (or one of its iterators' owner) after {@link Db#close()}. */
public class DbClosedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception for the database in {@code dir}. */
  public DbClosedException(String dir) {
    super("database is closed: " + dir);
  }
}
