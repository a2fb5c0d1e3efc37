package io.stratadb.cli.command;

/**
 * A line of a {@code strata load} input file cannot be loaded. The message says what is wrong with
 * it, without the file and line number, which the caller adds ({@code FILE:LINE: message}).
 */
final class BadLineException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; {@code what} describes the problem, e.g. "missing tab". */
  BadLineException(String what) {
    super(what);
  }
}
