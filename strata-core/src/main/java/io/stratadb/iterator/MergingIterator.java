package io.stratadb.iterator;

import io.stratadb.key.InternalKey;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Merges any number of sorted {@link InternalIterator}s into one sorted stream using a binary heap
 * (mini-lsm's {@code MergeIterator}, LevelDB's {@code table/merger.cc}). Sources are given newest
 * first; when two sources hold an equal key, the newer one's entry is returned and the older one's
 * skipped.
 *
 * <p>Not thread-safe. Closing it closes every source.
 */
public final class MergingIterator implements InternalIterator {
  private final InternalIterator[] sources;
  private final PriorityQueue<Integer> heap;
  private int current = -1;

  /** @param sources iterators, newest first; owned by this iterator from now on */
  public MergingIterator(List<? extends InternalIterator> sources) {
    this.sources = sources.toArray(new InternalIterator[0]);
    this.heap =
        new PriorityQueue<>(
            Math.max(1, this.sources.length),
            (a, b) -> {
              int c = InternalKey.compare(this.sources[a].key(), this.sources[b].key());
              return c != 0 ? c : Integer.compare(a, b);
            });
  }

  @Override
  public boolean isValid() {
    return current >= 0;
  }

  @Override
  public void seekToFirst() {
    heap.clear();
    for (int i = 0; i < sources.length; i++) {
      sources[i].seekToFirst();
      if (sources[i].isValid()) {
        heap.add(i);
      }
    }
    pickCurrent();
  }

  @Override
  public void seek(byte[] target) {
    heap.clear();
    for (int i = 0; i < sources.length; i++) {
      sources[i].seek(target);
      if (sources[i].isValid()) {
        heap.add(i);
      }
    }
    pickCurrent();
  }

  @Override
  public void next() {
    if (current < 0) {
      throw new IllegalStateException("iterator is not valid");
    }
    byte[] key = sources[current].key();
    advanceTop();
    // Older sources holding the very same key are shadowed by the entry just returned.
    while (!heap.isEmpty() && InternalKey.compare(sources[heap.peek()].key(), key) == 0) {
      advanceTop();
    }
    pickCurrent();
  }

  /** Advances the source at the top of the heap and puts it back if it still has entries. */
  private void advanceTop() {
    int source = heap.poll();
    sources[source].next();
    if (sources[source].isValid()) {
      heap.add(source);
    }
  }

  private void pickCurrent() {
    Integer top = heap.peek();
    current = top == null ? -1 : top;
  }

  @Override
  public byte[] key() {
    return sources[current].key();
  }

  @Override
  public byte[] value() {
    return sources[current].value();
  }

  @Override
  public void close() {
    current = -1;
    heap.clear();
    for (InternalIterator source : sources) {
      source.close();
    }
  }
}
