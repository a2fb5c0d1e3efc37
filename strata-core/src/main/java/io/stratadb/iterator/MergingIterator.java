package io.stratadb.iterator;

import io.stratadb.key.InternalKey;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Merges any number of sorted {@link InternalIterator}s into one sorted stream, in both
 * directions, using a binary heap (mini-lsm's {@code MergeIterator}; direction switching as
 * LevelDB's {@code table/merger.cc}, with a max-heap for the reverse direction as RocksDB's {@code
 * MergingIterator}). Sources are given newest first; when several sources hold an equal internal
 * key, the newest one's entry is returned and the others' are skipped, in either direction.
 *
 * <p>Invariant, moving forward: every source that is not exhausted is positioned after the entry
 * returned before the current one, and the current entry is the top of a min-heap. Moving
 * backward, mirrored with a max-heap. Switching direction repositions every source other than the
 * current one (one seek each), so alternating {@link #next()} and {@link #prev()} costs a seek of
 * every source per switch, while runs in one direction cost O(log n) heap work per step.
 *
 * <p>Not thread-safe. Closing it closes every source.
 */
public final class MergingIterator implements InternalIterator {
  private final InternalIterator[] sources;
  /** Ascending by key; ties to the newer (lower-index) source. */
  private final PriorityQueue<Integer> minHeap;
  /** Descending by key; ties to the newer (lower-index) source. */
  private final PriorityQueue<Integer> maxHeap;
  private boolean forward = true;
  private int current = -1;

  /** @param sources iterators, newest first; owned by this iterator from now on */
  public MergingIterator(List<? extends InternalIterator> sources) {
    this.sources = sources.toArray(new InternalIterator[0]);
    int capacity = Math.max(1, this.sources.length);
    this.minHeap = new PriorityQueue<>(capacity, (a, b) -> {
      int c = InternalKey.compare(this.sources[a].key(), this.sources[b].key());
      return c != 0 ? c : Integer.compare(a, b);
    });
    this.maxHeap = new PriorityQueue<>(capacity, (a, b) -> {
      int c = InternalKey.compare(this.sources[b].key(), this.sources[a].key());
      return c != 0 ? c : Integer.compare(a, b);
    });
  }

  @Override
  public boolean isValid() {
    return current >= 0;
  }

  @Override
  public void seekToFirst() {
    for (InternalIterator source : sources) {
      source.seekToFirst();
    }
    rebuild(true);
  }

  @Override
  public void seek(byte[] target) {
    for (InternalIterator source : sources) {
      source.seek(target);
    }
    rebuild(true);
  }

  @Override
  public void seekToLast() {
    for (InternalIterator source : sources) {
      source.seekToLast();
    }
    rebuild(false);
  }

  @Override
  public void seekForPrev(byte[] target) {
    for (InternalIterator source : sources) {
      source.seekForPrev(target);
    }
    rebuild(false);
  }

  @Override
  public void next() {
    if (current < 0) {
      throw new IllegalStateException("iterator is not valid");
    }
    byte[] key = sources[current].key();
    if (!forward) {
      // The other sources are at or before key: move each to the first entry after it. An equal
      // key in an older source is shadowed by the current entry, so it is stepped over too.
      for (int i = 0; i < sources.length; i++) {
        if (i != current) {
          sources[i].seek(key);
          if (sources[i].isValid() && InternalKey.compare(sources[i].key(), key) == 0) {
            sources[i].next();
          }
        }
      }
      sources[current].next();
      rebuild(true);
      return;
    }
    step(minHeap, true);
    // Older sources holding the very same key are shadowed by the entry just returned.
    while (!minHeap.isEmpty() && InternalKey.compare(sources[minHeap.peek()].key(), key) == 0) {
      step(minHeap, true);
    }
    pickCurrent(minHeap);
  }

  @Override
  public void prev() {
    if (current < 0) {
      throw new IllegalStateException("iterator is not valid");
    }
    byte[] key = sources[current].key();
    if (forward) {
      // The other sources are after key: move each to the last entry before it.
      for (int i = 0; i < sources.length; i++) {
        if (i != current) {
          sources[i].seekForPrev(key);
          if (sources[i].isValid() && InternalKey.compare(sources[i].key(), key) == 0) {
            sources[i].prev();
          }
        }
      }
      sources[current].prev();
      rebuild(false);
      return;
    }
    step(maxHeap, false);
    while (!maxHeap.isEmpty() && InternalKey.compare(sources[maxHeap.peek()].key(), key) == 0) {
      step(maxHeap, false);
    }
    pickCurrent(maxHeap);
  }

  /** Moves the source at the top of {@code heap} one step and puts it back if still valid. */
  private void step(PriorityQueue<Integer> heap, boolean next) {
    int source = heap.poll();
    if (next) {
      sources[source].next();
    } else {
      sources[source].prev();
    }
    if (sources[source].isValid()) {
      heap.add(source);
    }
  }

  /** Fills the heap of {@code forwardNow}'s direction with the valid sources and picks the top. */
  private void rebuild(boolean forwardNow) {
    forward = forwardNow;
    minHeap.clear();
    maxHeap.clear();
    PriorityQueue<Integer> heap = forwardNow ? minHeap : maxHeap;
    for (int i = 0; i < sources.length; i++) {
      if (sources[i].isValid()) {
        heap.add(i);
      }
    }
    pickCurrent(heap);
  }

  private void pickCurrent(PriorityQueue<Integer> heap) {
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
    minHeap.clear();
    maxHeap.clear();
    for (InternalIterator source : sources) {
      source.close();
    }
  }
}
