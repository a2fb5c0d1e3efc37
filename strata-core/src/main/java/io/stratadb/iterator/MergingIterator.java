package io.stratadb.iterator;

import io.stratadb.key.InternalKey;
import io.stratadb.util.Slice;
import io.stratadb.util.UnsignedBytes;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

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
 * <p>The heap is an {@code int[]} of source indexes ordered by each source's current key, which is
 * read once per move through {@link InternalIterator#keySlice()} and compared in place; a step
 * moves the top source and sifts it down (RocksDB's {@code BinaryHeap::replace_top}, Pebble's
 * {@code mergingIter}), so a step allocates nothing and calls no comparator object. Ties go to the
 * lower index (the newer source) in both heaps; every heap entry with the top's key is linked to
 * the top through entries with that key, so older duplicates are found among the top's children.
 *
 * <p>Parallel seek (in purpose like RocksDB's {@code ReadOptions::async_io}, which issues
 * asynchronous reads; here the seeks themselves run on threads): built with a seek executor and over
 * at least two sources, {@link #seek}, {@link #seekForPrev}, {@link #seekToFirst} and {@link
 * #seekToLast} position the sources concurrently ({@link ParallelSeek}), then build the heap; the
 * results are those of the sequential seeks. The re-seeks of a direction switch stay sequential.
 *
 * <p>A positioning call that throws (a source's seek failed) leaves the iterator invalid; with
 * parallel seek it throws only once every source's seek has finished, the failure of the lowest
 * failing source itself.
 *
 * <p>Not thread-safe. Closing it closes every source, then runs the release action given at
 * construction, once (LevelDB's {@code Iterator::RegisterCleanup}).
 */
public final class MergingIterator implements InternalIterator {
  private final InternalIterator[] sources;
  /**
   * Indexes of the valid sources as a binary heap: {@code heap[0, size)}; ascending by key when
   * moving forward, descending backward; ties to the newer (lower-index) source. The top is the
   * current entry.
   */
  private final int[] heap;
  private int size;
  private boolean forward = true;
  /** The current key of each heaped source, {@code keyArrays[i][keyOffsets[i], + keyLengths[i])}. */
  private final byte[][] keyArrays;
  private final int[] keyOffsets;
  private final int[] keyLengths;
  private final Slice keySlice = new Slice();
  /** Runs once at close; null when none or already run. */
  private Runnable release;
  /** Runs the sources' seeks in parallel; null when they run on the calling thread. */
  private final Executor seekExecutor;

  /** @param sources iterators, newest first; owned by this iterator from now on */
  public MergingIterator(List<? extends InternalIterator> sources) {
    this(sources, null);
  }

  /**
   * @param sources iterators, newest first; owned by this iterator from now on
   * @param release runs once, after the sources are closed by {@link #close()} (say, to drop a
   *     pinned version); null for none
   */
  public MergingIterator(List<? extends InternalIterator> sources, Runnable release) {
    this(sources, release, null);
  }

  /**
   * @param sources iterators, newest first; owned by this iterator from now on. With a seek
   *     executor they must tolerate being positioned on a thread other than the one that created
   *     them (one thread at a time), as the memtable, table and level iterators do
   * @param release runs once, after the sources are closed by {@link #close()}; null for none
   * @param seekExecutor runs the seeks of sources 1..n-1 while the calling thread seeks source 0
   *     (a {@link SeekPool}'s executor); null to seek every source on the calling thread. It may
   *     reject tasks (say, once closed): the calling thread then seeks them itself
   */
  public MergingIterator(List<? extends InternalIterator> sources, Runnable release, Executor seekExecutor) {
    this.seekExecutor = seekExecutor;
    this.sources = sources.toArray(new InternalIterator[0]);
    int n = this.sources.length;
    this.heap = new int[n];
    this.keyArrays = new byte[n][];
    this.keyOffsets = new int[n];
    this.keyLengths = new int[n];
    this.release = release;
  }

  @Override
  public boolean isValid() {
    return size > 0;
  }

  @Override
  public void seekToFirst() {
    position(InternalIterator::seekToFirst, true);
  }

  @Override
  public void seek(byte[] target) {
    position(source -> source.seek(target), true);
  }

  @Override
  public void seekToLast() {
    position(InternalIterator::seekToLast, false);
  }

  @Override
  public void seekForPrev(byte[] target) {
    position(source -> source.seekForPrev(target), false);
  }

  /** Positions every source with {@code move} (in parallel when it may), then builds the heap. */
  private void position(Consumer<InternalIterator> move, boolean forwardNow) {
    size = 0; // a move that throws leaves the iterator invalid
    if (parallel()) {
      ParallelSeek.positionAll(sources, move, seekExecutor);
    } else {
      for (InternalIterator source : sources) {
        move.accept(source);
      }
    }
    rebuild(forwardNow);
  }

  private boolean parallel() {
    return seekExecutor != null && sources.length > 1;
  }

  @Override
  public void next() {
    checkValid();
    if (!forward) {
      // The other sources are at or before key: move each to the first entry after it. An equal
      // key in an older source is shadowed by the current entry, so it is stepped over too.
      int current = heap[0];
      byte[] key = sources[current].key();
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
    step();
  }

  @Override
  public void prev() {
    checkValid();
    if (forward) {
      // The other sources are after key: move each to the last entry before it.
      int current = heap[0];
      byte[] key = sources[current].key();
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
    step();
  }

  /**
   * One step in the current direction: first the older sources shadowed by the current entry
   * (holding the very same key) step past it, then the current source steps.
   */
  private void step() {
    int top = heap[0];
    while (true) {
      int duplicate;
      if (size > 1 && sameKey(heap[1], top)) {
        duplicate = 1;
      } else if (size > 2 && sameKey(heap[2], top)) {
        duplicate = 2;
      } else {
        break;
      }
      stepAt(duplicate);
    }
    stepAt(0);
  }

  /** Moves the source at heap position {@code pos} one step and restores the heap. */
  private void stepAt(int pos) {
    int source = heap[pos];
    InternalIterator it = sources[source];
    if (forward) {
      it.next();
    } else {
      it.prev();
    }
    if (it.isValid()) {
      cacheKey(source);
      siftDown(pos);
    } else {
      removeAt(pos);
    }
  }

  /** Fills the heap of {@code forwardNow}'s direction with the valid sources. */
  private void rebuild(boolean forwardNow) {
    forward = forwardNow;
    size = 0;
    for (int i = 0; i < sources.length; i++) {
      if (sources[i].isValid()) {
        cacheKey(i);
        heap[size++] = i;
      }
    }
    for (int pos = size / 2 - 1; pos >= 0; pos--) {
      siftDown(pos);
    }
  }

  private void cacheKey(int source) {
    Slice key = sources[source].keySlice();
    keyArrays[source] = key.array();
    keyOffsets[source] = key.offset();
    keyLengths[source] = key.length();
  }

  /** Whether source {@code a}'s current entry goes before source {@code b}'s in the heap order. */
  private boolean before(int a, int b) {
    int c = InternalKey.compare(keyArrays[a], keyOffsets[a], keyLengths[a], keyArrays[b], keyOffsets[b], keyLengths[b]);
    if (c != 0) {
      return forward ? c < 0 : c > 0;
    }
    return a < b;
  }

  /**
   * Whether sources {@code a} and {@code b} hold equal internal keys. The trailers go first: two
   * sources rarely hold one entry, so the sequence numbers almost always differ and settle it.
   */
  private boolean sameKey(int a, int b) {
    int length = keyLengths[a];
    if (length != keyLengths[b]) {
      return false;
    }
    byte[] aArray = keyArrays[a];
    byte[] bArray = keyArrays[b];
    int aOffset = keyOffsets[a];
    int bOffset = keyOffsets[b];
    if (InternalKey.trailer(aArray, aOffset, length) != InternalKey.trailer(bArray, bOffset, length)) {
      return false;
    }
    int userLength = length - InternalKey.TRAILER_BYTES;
    return UnsignedBytes.equal(aArray, aOffset, bArray, bOffset, userLength);
  }

  private void siftDown(int pos) {
    int source = heap[pos];
    int half = size >>> 1;
    while (pos < half) {
      int child = 2 * pos + 1;
      int right = child + 1;
      if (right < size && before(heap[right], heap[child])) {
        child = right;
      }
      if (!before(heap[child], source)) {
        break;
      }
      heap[pos] = heap[child];
      pos = child;
    }
    heap[pos] = source;
  }

  private void siftUp(int pos) {
    int source = heap[pos];
    while (pos > 0) {
      int parent = (pos - 1) >>> 1;
      if (!before(source, heap[parent])) {
        break;
      }
      heap[pos] = heap[parent];
      pos = parent;
    }
    heap[pos] = source;
  }

  private void removeAt(int pos) {
    size--;
    if (pos < size) {
      heap[pos] = heap[size];
      siftDown(pos);
      siftUp(pos);
    }
  }

  private void checkValid() {
    if (size == 0) {
      throw new IllegalStateException("iterator is not valid");
    }
  }

  @Override
  public byte[] key() {
    checkValid();
    return sources[heap[0]].key();
  }

  @Override
  public byte[] value() {
    checkValid();
    return sources[heap[0]].value();
  }

  @Override
  public Slice keySlice() {
    checkValid();
    int top = heap[0];
    keySlice.set(keyArrays[top], keyOffsets[top], keyLengths[top]);
    return keySlice;
  }

  @Override
  public Slice valueSlice() {
    checkValid();
    return sources[heap[0]].valueSlice();
  }

  @Override
  public byte[] valueCopy() {
    checkValid();
    return sources[heap[0]].valueCopy();
  }

  @Override
  public void close() {
    size = 0;
    Runnable action = release;
    release = null;
    try {
      for (InternalIterator source : sources) {
        source.close();
      }
    } finally {
      if (action != null) {
        action.run();
      }
    }
  }
}
