package io.stratadb.cli.command;

/**
 * One entry read from an input line, as the UTF-8 bytes the engine stores. The arrays are owned by
 * the record's user; not copied.
 *
 * @param key the key bytes
 * @param value the value bytes, possibly empty
 */
record KeyValue(byte[] key, byte[] value) {

  /** Key plus value length, in bytes. */
  long size() {
    return (long) key.length + value.length;
  }
}
