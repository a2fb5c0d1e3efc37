package io.stratadb.cluster;

import io.stratadb.WriteBatch;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One replicated write: an atomic batch of puts and deletes, applied only if each of its
 * conditions holds when the entry's turn comes in the log. Encodes to and decodes from the bytes
 * {@link EntryFormat} draws. Immutable once built; the arrays are not copied, so callers must not
 * change them.
 *
 * @param conditions what the database must hold for the batch to apply, in order
 * @param batch the operations, applied in order
 */
record WriteEntry(List<Condition> conditions, WriteBatch batch) {

  /**
   * A key's required state: absent when {@code expected} is null, else exactly those bytes.
   *
   * @param key the key
   * @param expected the stored value required, or null for absent
   */
  record Condition(byte[] key, byte[] expected) {
    /** Whether {@code actual} (null for absent) satisfies this condition. */
    boolean holds(byte[] actual) {
      return expected == null ? actual == null : actual != null && Arrays.equals(expected, actual);
    }
  }

  /**
   * Encodes {@code batch} with {@code conditions} as a version-1 entry.
   *
   * @throws IllegalArgumentException if the entry would exceed 2 GiB
   */
  static byte[] encode(WriteBatch batch, List<Condition> conditions) {
    long size = 1 + 4 + 4;
    for (Condition c : conditions) {
      size += 1 + 4 + c.key().length + (c.expected() == null ? 0 : 4 + c.expected().length);
    }
    long[] opBytes = {0};
    batch.forEach(new WriteBatch.View() {
      @Override
      public void put(byte[] buf, int keyOffset, int keyLength, int valueOffset, int valueLength) {
        opBytes[0] += 1 + 4 + keyLength + 4 + valueLength;
      }

      @Override
      public void delete(byte[] buf, int keyOffset, int keyLength) {
        opBytes[0] += 1 + 4 + keyLength;
      }
    });
    size += opBytes[0];
    if (size > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("replicated write of " + size + " bytes exceeds 2 GiB");
    }
    ByteBuffer out = ByteBuffer.allocate((int) size);
    out.put(EntryFormat.VERSION_1).putInt(conditions.size());
    for (Condition c : conditions) {
      out.put(c.expected() == null ? EntryFormat.COND_ABSENT : EntryFormat.COND_EQUALS);
      out.putInt(c.key().length).put(c.key());
      if (c.expected() != null) {
        out.putInt(c.expected().length).put(c.expected());
      }
    }
    out.putInt(batch.count());
    batch.forEach(new WriteBatch.View() {
      @Override
      public void put(byte[] buf, int keyOffset, int keyLength, int valueOffset, int valueLength) {
        out.put(EntryFormat.OP_PUT).putInt(keyLength).put(buf, keyOffset, keyLength);
        out.putInt(valueLength).put(buf, valueOffset, valueLength);
      }

      @Override
      public void delete(byte[] buf, int keyOffset, int keyLength) {
        out.put(EntryFormat.OP_DELETE).putInt(keyLength).put(buf, keyOffset, keyLength);
      }
    });
    return out.array();
  }

  /**
   * Decodes an entry.
   *
   * @throws InvalidEntryException if the version is unknown or the bytes are not a whole entry
   */
  static WriteEntry decode(ByteBuffer in) {
    try {
      byte version = in.get();
      if (version != EntryFormat.VERSION_1) {
        throw new InvalidEntryException("unknown entry version " + version + " (this node reads version "
            + EntryFormat.VERSION_1 + ")");
      }
      int conditionCount = count(in);
      List<Condition> conditions = new ArrayList<>(Math.min(conditionCount, 1024));
      for (int i = 0; i < conditionCount; i++) {
        byte kind = in.get();
        byte[] key = bytes(in);
        if (kind == EntryFormat.COND_ABSENT) {
          conditions.add(new Condition(key, null));
        } else if (kind == EntryFormat.COND_EQUALS) {
          conditions.add(new Condition(key, bytes(in)));
        } else {
          throw new InvalidEntryException("unknown condition kind " + kind);
        }
      }
      int opCount = count(in);
      WriteBatch batch = new WriteBatch();
      for (int i = 0; i < opCount; i++) {
        byte type = in.get();
        byte[] key = bytes(in);
        if (ReplicaDb.isReserved(key)) {
          throw new InvalidEntryException("the entry writes the state machine's reserved key");
        }
        if (type == EntryFormat.OP_PUT) {
          batch.put(key, bytes(in));
        } else if (type == EntryFormat.OP_DELETE) {
          batch.delete(key);
        } else {
          throw new InvalidEntryException("unknown operation type " + type);
        }
      }
      if (in.hasRemaining()) {
        throw new InvalidEntryException(in.remaining() + " bytes after the last operation");
      }
      return new WriteEntry(conditions, batch);
    } catch (BufferUnderflowException e) {
      throw new InvalidEntryException("entry ends inside a field");
    }
  }

  private static int count(ByteBuffer in) {
    int n = in.getInt();
    if (n < 0) {
      throw new InvalidEntryException("negative count " + n);
    }
    return n;
  }

  private static byte[] bytes(ByteBuffer in) {
    int n = in.getInt();
    if (n < 0 || n > in.remaining()) {
      throw new InvalidEntryException("length " + n + " exceeds the " + in.remaining() + " bytes left");
    }
    byte[] b = new byte[n];
    in.get(b);
    return b;
  }
}
