package io.stratadb.cluster;

import java.nio.charset.StandardCharsets;

/**
 * The bytes of the Raft log entries, replies and queries of a StrataDB cluster, and of the applied
 * position the state machine keeps in the database (docs/cluster.md, "Entry format"). All
 * integers are big-endian; lengths are fixed32 (unsigned in practice: at most 2 GiB).
 *
 * <pre>
 * write entry (one committed log entry = one atomic write batch):
 *   version (1 byte, {@link #VERSION_1}) | condition count (fixed32) | condition* | op count (fixed32) | op*
 *   condition: kind (1 byte: {@link #COND_ABSENT} | {@link #COND_EQUALS}) | key length (fixed32) | key
 *              [| value length (fixed32) | value]            (value only for COND_EQUALS)
 *   op:        type (1 byte: {@link #OP_PUT} | {@link #OP_DELETE}) | key length (fixed32) | key
 *              [| value length (fixed32) | value]            (value only for OP_PUT)
 *
 * write reply (the state machine's answer, sent back to the client that proposed it):
 *   status (1 byte: {@link #APPLIED} | {@link #CONFLICT}) | log index of the entry (fixed64)
 *
 * query (a read through Raft, {@code query}):
 *   kind (1 byte: {@link #QUERY_APPLIED} | {@link #QUERY_GET}) [| key (the rest)]
 * query reply: QUERY_APPLIED: applied index (fixed64);
 *              QUERY_GET: present (1 byte, 0 or 1) | value (the rest)
 *
 * applied position, the value of {@link #APPLIED_KEY} in the database:
 *   term (fixed64) | index (fixed64)
 * </pre>
 *
 * <p>An entry whose version byte is not {@link #VERSION_1} is refused by the state machine (a
 * failed future, nothing applied): a node never guesses at a format it does not know.
 */
final class EntryFormat {

  /** The only entry version so far. */
  static final byte VERSION_1 = 1;

  /** Condition: the key must be absent (or deleted). */
  static final byte COND_ABSENT = 0;
  /** Condition: the key must hold exactly the given stored bytes. */
  static final byte COND_EQUALS = 1;

  /** Op: delete the key. */
  static final byte OP_DELETE = 0;
  /** Op: put the value under the key. */
  static final byte OP_PUT = 1;

  /** Reply: the batch was applied. */
  static final byte APPLIED = 0;
  /** Reply: a condition failed; nothing was applied. */
  static final byte CONFLICT = 1;

  /** Query: the state machine's applied index. */
  static final byte QUERY_APPLIED = 1;
  /** Query: the value of a key. */
  static final byte QUERY_GET = 2;

  /**
   * The key under which the state machine records the (term, index) of the last entry it applied,
   * in the same write batch as the entry's operations. Reserved: the cluster's view of the
   * database hides it from reads and iterators, and refuses writes to it.
   */
  static final byte[] APPLIED_KEY = "\u0000\u0000strata-cluster:applied".getBytes(StandardCharsets.US_ASCII);

  /** Bytes of the applied position: term and index. */
  static final int APPLIED_VALUE_BYTES = 16;

  private EntryFormat() {}
}
