package io.stratadb.cluster;

import io.stratadb.Options;
import io.stratadb.WriteBatch;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * A StrataDB replicated over a Raft group, for embedding: this process is one member ({@link
 * ClusterNode}); writes from any member go through the group and return once committed and
 * applied here; reads are linearizable ({@link ReadConsistency#LINEARIZABLE}: a Raft read index,
 * then the local replica) or, asked for explicitly, stale ({@link ReadConsistency#STALE}: the local
 * replica as it is, possibly behind the leader).
 *
 * <p>Errors: {@link ClusterException} when a write failed ({@link ClusterException#indeterminate()}
 * says whether it may have been applied anyway) or a read index could not be had;
 * {@link IllegalArgumentException} for null arguments or the reserved key. Thread-safe.
 */
public final class ReplicatedDb implements AutoCloseable {

  /** How a read relates to the writes before it. */
  public enum ReadConsistency {
    /** Sees every write acknowledged before the read began, on any member. */
    LINEARIZABLE,
    /** Reads the local replica without asking the leader: fast, possibly behind. */
    STALE
  }

  private final ClusterNode node;

  private ReplicatedDb(ClusterNode node) {
    this.node = node;
  }

  /**
   * Starts this process's member of the group (see {@link ClusterNode#start}).
   *
   * @param config where the node lives and whom it dials
   * @param options the database's options
   * @return the member; close it to stop the node
   * @throws IOException if its storage or Raft port fails
   */
  public static ReplicatedDb open(NodeConfig config, Options options) throws IOException {
    return new ReplicatedDb(ClusterNode.start(config, options));
  }

  /**
   * Wraps a started node; closing this closes it.
   *
   * @param node a started node
   * @return the wrapper
   */
  public static ReplicatedDb of(ClusterNode node) {
    return new ReplicatedDb(Objects.requireNonNull(node, "node"));
  }

  /** {@return the member} */
  public ClusterNode node() {
    return node;
  }

  /**
   * Stores {@code value} under {@code key} through the group.
   *
   * @param key the key
   * @param value the value, possibly empty
   * @throws IllegalArgumentException if an argument is null, the key is reserved, or either is over
   *     this node's size limits ({@link Options#maxKeySize()}, {@link Options#maxValueSize()})
   * @throws ClusterException if the write failed or its outcome is unknown
   */
  public void put(byte[] key, byte[] value) {
    if (value == null) {
      throw new IllegalArgumentException("a null value");
    }
    write(new WriteBatch().put(key(key), value));
  }

  /**
   * Deletes {@code key} through the group.
   *
   * @param key the key
   * @throws IllegalArgumentException if {@code key} is null, reserved or over the size limit
   * @throws ClusterException if the write failed or its outcome is unknown
   */
  public void delete(byte[] key) {
    write(new WriteBatch().delete(key(key)));
  }

  /**
   * Applies {@code batch} atomically on every member.
   *
   * @param batch the operations, not empty
   * @throws IllegalArgumentException if {@code batch} is null or empty, writes the reserved key, or
   *     holds a key or value over this node's size limits: checked here, before the entry is
   *     proposed, so that no replica is handed an entry its database refuses
   * @throws ClusterException if the write failed or its outcome is unknown
   */
  public void write(WriteBatch batch) {
    if (batch == null || batch.count() == 0) {
      throw new IllegalArgumentException("an empty or null batch");
    }
    node.checkWritable(batch);
    node.submit(WriteEntry.encode(batch, List.of()));
  }

  /**
   * The value of {@code key}, linearizable; null if absent.
   *
   * @param key the key
   * @return a new array holding the value, or null if absent
   * @throws IllegalArgumentException if {@code key} is null or reserved
   * @throws ClusterException if no read index could be had
   */
  public byte[] get(byte[] key) {
    return get(key, ReadConsistency.LINEARIZABLE);
  }

  /**
   * The value of {@code key} read as {@code consistency} says; null if absent.
   *
   * @param key the key
   * @param consistency linearizable (a read index first) or stale (the local replica)
   * @return a new array holding the value, or null if absent
   * @throws IllegalArgumentException if {@code key} or {@code consistency} is null, or the key reserved
   * @throws ClusterException if a linearizable read could not get a read index
   */
  public byte[] get(byte[] key, ReadConsistency consistency) {
    key(key);
    if (consistency == null) {
      throw new IllegalArgumentException("a null read consistency");
    }
    if (consistency == ReadConsistency.LINEARIZABLE) {
      node.awaitReadIndex();
    }
    return node.stateMachine().db().get(key);
  }

  private static byte[] key(byte[] key) {
    if (key == null) {
      throw new IllegalArgumentException("a null key");
    }
    if (ReplicaDb.isReserved(key)) {
      throw new IllegalArgumentException("the key is reserved for the replication state machine");
    }
    return key;
  }

  /** Stops this member (see {@link ClusterNode#close}). */
  @Override
  public void close() throws IOException {
    node.close();
  }
}
