package io.stratadb.server;

import io.stratadb.WriteBatch;
import java.util.List;
import java.util.Map;

/**
 * What a replicated server (a cluster node, module {@code strata-cluster}) plugs into the Redis
 * front in place of the local database's writes: where writes are committed, what a read waits
 * for, and what INFO replication, ROLE and CLUSTER answer. A server started without one ({@link
 * RespServer#start}) writes to its own database, as always.
 *
 * <p>Reads still go to the local database the server was given: {@link #awaitReadable()} makes
 * them linearizable by waiting until that database has applied every write committed before the
 * read began.
 *
 * <p>Implementations are thread-safe; every method may block the calling thread for a Raft round
 * trip (a few ms on a LAN, up to the implementation's timeout). The server calls them from its
 * command workers, never from an event loop, so one connection's wait holds up no other
 * ({@link ConnectionHandler}).
 */
public interface Replication {

  /**
   * Commits {@code batch} through the replicated log and returns once it is committed and applied
   * to the local database; it applies only if every {@link Expectation} still holds at its place
   * in the log (the commands read those values before deciding their writes), else not at all.
   *
   * @param batch the writes; the caller reuses it after the call returns. Empty only when {@code
   *     expected} is not: a command that read values and decided to write nothing is linearized by
   *     an entry that only checks them
   * @param expected the values the writes (or the replies) depend on, possibly empty
   * @throws WriteConflictException if an expectation failed: nothing was applied, and the local
   *     database has since applied the write that changed it, so the commands may run again
   * @throws io.stratadb.StrataException (or a subclass of RuntimeException the implementation
   *     documents) if the write failed or its outcome is unknown; the message says which
   */
  void commit(WriteBatch batch, List<Expectation> expected);

  /**
   * Returns once a read of the local database sees every write committed before this call (a
   * Raft read index), or at once for stale reads.
   *
   * @throws RuntimeException as the implementation documents, when that cannot be established
   *     (no leader, timeout); the read command then fails with that error
   */
  void awaitReadable();

  /**
   * {@return the fields of INFO's {@code replication} section, in order} (Role, leader, indexes,
   * lag.) Field name to value (strings and numbers).
   */
  Map<String, Object> info();

  /**
   * ROLE's reply: a list whose items are {@link String}s (simple strings), {@link Long}s or
   * nested {@link List}s.
   *
   * @return the reply items, in ROLE's order for this node's role
   */
  List<Object> role();

  /**
   * Runs {@code CLUSTER <subcommand> ...} (membership changes and status).
   *
   * @param args the arguments after {@code CLUSTER}, at least one
   * @return the reply: a {@link String} (bulk string), {@link Long} or a {@link List} of those
   * @throws IllegalArgumentException for an unknown subcommand or bad arguments (an ERR reply)
   * @throws RuntimeException as the implementation documents, if the change fails
   */
  Object cluster(List<String> args);

  /**
   * The stored value a command read for {@code key} before deciding its writes: {@code stored}
   * is the value as the database held it (the {@code ValueCodec} form, header and all), or null
   * if the key was absent. The write applies only if the key still holds exactly that.
   *
   * @param key the key, not copied
   * @param stored the stored bytes, or null for absent; not copied
   */
  record Expectation(byte[] key, byte[] stored) {}
}
