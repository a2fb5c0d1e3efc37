package io.stratadb.server;

/**
 * The state of one client connection: its id, whether it has authenticated, its name and whether
 * the connection closes after the current reply (QUIT). Confined to the connection's event-loop
 * thread (on a cluster node, to the worker running the connection's round, which the event loop
 * hands it to and takes it back from), so not thread-safe and needing no locks.
 */
final class ClientSession {

  private final long id;
  private boolean authenticated;
  private String name;
  private boolean closeAfterReply;
  private boolean readable;

  /**
   * @param id the connection id CLIENT ID and HELLO report
   * @param authenticated true when the server has no password
   */
  ClientSession(long id, boolean authenticated) {
    this.id = id;
    this.authenticated = authenticated;
  }

  long id() {
    return id;
  }

  boolean authenticated() {
    return authenticated;
  }

  void authenticate() {
    authenticated = true;
  }

  /** The name set with CLIENT SETNAME, or null. */
  String name() {
    return name;
  }

  /** Sets the name; null or empty clears it. */
  void name(String newName) {
    name = newName == null || newName.isEmpty() ? null : newName;
  }

  boolean closeAfterReply() {
    return closeAfterReply;
  }

  /** Asks the connection to close once the current reply is written. */
  void closeAfterReply(boolean value) {
    closeAfterReply = value;
  }

  /**
   * On a cluster node: whether the connection's current round has passed the read barrier
   * ({@link Replication#awaitReadable}), so its later reads need not wait again: the barrier came
   * after every command of the round arrived.
   */
  boolean readable() {
    return readable;
  }

  /** Sets {@link #readable()}: true once the round passed the barrier, false when a new round starts. */
  void readable(boolean value) {
    readable = value;
  }
}
