package io.stratadb.admin;

import io.stratadb.key.ValueType;

/** The kind of a stored entry: a value or a tombstone. */
public enum EntryType {
  /** A tombstone: the key is deleted as of the entry's sequence number; its value is empty. */
  DELETE,
  /** A value. */
  PUT;

  /** The public view of the engine's value type. */
  static EntryType of(ValueType type) {
    return type == ValueType.PUT ? PUT : DELETE;
  }
}
