package io.stratadb.iterator;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.stratadb.key.InternalKey;
import io.stratadb.key.ValueType;
import java.util.ArrayList;
import java.util.List;

/**
 * TEST ONLY: an {@link InternalIterator} over an in-memory list of entries, sorted here in
 * internal-key order, in both directions. Strict about the contract: key(), value(), next() and
 * prev() on an invalid iterator throw, and it records whether it was closed.
 */
final class ListIterator implements InternalIterator {

  /** One entry: an encoded internal key and its value. */
  record Entry(byte[] key, byte[] value) {}

  private final List<Entry> entries;
  private int index = -1;
  private boolean closed;
  int seeks;
  byte[] lastSeekTarget;

  ListIterator(List<Entry> entries) {
    this.entries = new ArrayList<>(entries);
    this.entries.sort((a, b) -> InternalKey.compare(a.key(), b.key()));
  }

  static ListIterator of(Entry... entries) {
    return new ListIterator(List.of(entries));
  }

  static Entry put(String userKey, long seq, String value) {
    return new Entry(InternalKey.encode(userKey.getBytes(UTF_8), seq, ValueType.PUT), value.getBytes(UTF_8));
  }

  static Entry delete(String userKey, long seq) {
    return new Entry(InternalKey.encode(userKey.getBytes(UTF_8), seq, ValueType.DELETE), new byte[0]);
  }

  /** "user@seq:TYPE=value" for each remaining entry of {@code it}, consuming it. */
  static List<String> drain(InternalIterator it) {
    List<String> out = new ArrayList<>();
    for (; it.isValid(); it.next()) {
      out.add(InternalKey.toString(it.key()) + "=" + new String(it.value(), UTF_8));
    }
    return out;
  }

  /** "user@seq:TYPE=value" for each entry of {@code it} from the current one backward, consuming it. */
  static List<String> drainBackward(InternalIterator it) {
    List<String> out = new ArrayList<>();
    for (; it.isValid(); it.prev()) {
      out.add(InternalKey.toString(it.key()) + "=" + new String(it.value(), UTF_8));
    }
    return out;
  }

  /** A seek target for tests over keys "k0".."k19": any user key of that space, any sequence 0..7. */
  static byte[] randomTarget(java.util.Random random) {
    return InternalKey.encode(("k" + random.nextInt(22)).getBytes(UTF_8), random.nextInt(8),
        random.nextBoolean() ? ValueType.PUT : ValueType.DELETE);
  }

  /** The largest key held (the list must not be empty). */
  byte[] lastKey() {
    return entries.get(entries.size() - 1).key();
  }

  boolean isClosed() {
    return closed;
  }

  @Override
  public boolean isValid() {
    return index >= 0 && index < entries.size();
  }

  @Override
  public void seekToFirst() {
    check();
    index = 0;
  }

  @Override
  public void seek(byte[] target) {
    check();
    seeks++;
    lastSeekTarget = target;
    index = 0;
    while (index < entries.size() && InternalKey.compare(entries.get(index).key(), target) < 0) {
      index++;
    }
  }

  @Override
  public void next() {
    requireValid();
    index++;
  }

  @Override
  public void seekToLast() {
    check();
    index = entries.size() - 1;
  }

  @Override
  public void seekForPrev(byte[] target) {
    check();
    seeks++;
    lastSeekTarget = target;
    index = entries.size() - 1;
    while (index >= 0 && InternalKey.compare(entries.get(index).key(), target) > 0) {
      index--;
    }
  }

  @Override
  public void prev() {
    requireValid();
    index--;
  }

  @Override
  public byte[] key() {
    requireValid();
    return entries.get(index).key();
  }

  @Override
  public byte[] value() {
    requireValid();
    return entries.get(index).value();
  }

  @Override
  public void close() {
    closed = true;
  }

  private void check() {
    if (closed) {
      throw new IllegalStateException("used after close");
    }
  }

  private void requireValid() {
    check();
    if (!isValid()) {
      throw new IllegalStateException("not valid");
    }
  }
}
