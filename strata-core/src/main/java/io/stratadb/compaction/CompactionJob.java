package io.stratadb.compaction;

import io.stratadb.CompactionFilter;
import io.stratadb.iterator.InternalIterator;
import io.stratadb.iterator.LevelIterator;
import io.stratadb.iterator.MergingIterator;
import io.stratadb.key.InternalKey;
import io.stratadb.key.ValueType;
import io.stratadb.manifest.FileMetadata;
import io.stratadb.manifest.Version;
import io.stratadb.manifest.VersionEdit;
import io.stratadb.sstable.TableCache;
import io.stratadb.util.ByteSink;
import io.stratadb.util.Slice;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Runs one {@link CompactionTask}: merges its inputs, drops what no reader can see, writes the
 * rest through a {@link TableSink}, and returns the {@link VersionEdit} that swaps inputs for
 * outputs (LevelDB's {@code DBImpl::DoCompactionWork}).
 *
 * <p>Drop rules, as RocksDB's {@code CompactionIterator}: the live snapshots cut the sequence
 * numbers into stripes (one per snapshot: the sequences above the previous snapshot up to it, and
 * a last stripe above every snapshot, read only by current readers). Each stripe needs only the
 * newest version of a key in it, so an entry is dropped when a newer entry of the same user key
 * lies in the same stripe. A tombstone is dropped when it lies in the first stripe (no snapshot is
 * older than it) and no older data outside the inputs holds its key (nothing remains for it to
 * hide). Readers of older versions of the tree keep reading the input tables, which are deleted
 * only after them. The optional {@link CompactionFilter} sees the newest version of each key when
 * it is a value in the last stripe.
 *
 * <p>Not thread-safe; one job per task.
 */
public final class CompactionJob {
  private final CompactionTask task;
  private final Version base;
  private final long[] snapshots;
  private final long smallestSnapshot;
  private final CompactionFilter filter;
  private final Set<Long> inputNumbers;
  private long entriesIn;
  private long entriesDropped;
  private long entriesFiltered;

  /**
   * @param task what to compact
   * @param base the version the task was picked from (pinned by the caller)
   * @param snapshots sequence numbers of the live snapshots, ascending (empty if none)
   * @param filter the user's compaction filter, or null
   */
  public CompactionJob(CompactionTask task, Version base, long[] snapshots, CompactionFilter filter) {
    this.task = task;
    this.base = base;
    this.snapshots = snapshots.clone();
    this.smallestSnapshot = snapshots.length == 0 ? Long.MAX_VALUE : snapshots[0];
    this.filter = filter;
    this.inputNumbers = task.fileNumbers();
  }

  /** The edit of a trivial move: no I/O. */
  public VersionEdit moveEdit() {
    FileMetadata file = task.inputs().get(0).files().get(0);
    return new VersionEdit()
        .deleteFile(task.inputs().get(0).level(), file.number())
        .addFile(task.outputLevel(), file);
  }

  /**
   * Merges the inputs into {@code sink} (finishing it) and returns the edit.
   *
   * @throws IOException if writing an output fails (the caller abandons the sink)
   */
  public VersionEdit run(TableCache tables, TableSink sink) throws IOException {
    try (MergingIterator merged = new MergingIterator(sources(tables))) {
      // A copy of the newest entry's user key: the merged key is a view the iterator re-points
      // when it moves.
      ByteSink currentUserKey = new ByteSink(64);
      boolean first = true;
      int newerStripe = -1;
      for (merged.seekToFirst(); merged.isValid(); merged.next()) {
        Slice key = merged.keySlice();
        byte[] k = key.array();
        int kOff = key.offset();
        int userLen = key.length() - InternalKey.TRAILER_BYTES;
        entriesIn++;
        boolean newestOfKey = first || !currentUserKey.contentEquals(k, kOff, userLen);
        if (newestOfKey) {
          first = false;
          currentUserKey.copyOf(k, kOff, userLen);
          newerStripe = -1;
        }
        long trailer = InternalKey.trailer(k, kOff, key.length());
        long sequence = trailer >>> 8;
        int stripe = stripe(sequence);
        if (stripe == newerStripe) {
          entriesDropped++;
          continue;
        }
        newerStripe = stripe;
        boolean delete = (trailer & 0xff) == ValueType.DELETE.code();
        if (filter != null && newestOfKey && stripe == snapshots.length && !delete) {
          byte[] userKey = currentUserKey.toByteArray();
          CompactionFilter.Decision decision = filter.filter(task.outputLevel(), userKey, merged.valueCopy());
          if (decision.remove()) {
            entriesFiltered++;
            if (sequence > smallestSnapshot || !isBaseLevelFor(userKey)) {
              sink.add(InternalKey.encode(userKey, sequence, ValueType.DELETE), new byte[0]);
            } else {
              entriesDropped++;
            }
            continue;
          } else if (decision.newValue() != null) {
            entriesFiltered++;
            sink.add(key, new Slice(decision.newValue(), 0, decision.newValue().length));
            continue;
          }
        }
        if (delete && sequence <= smallestSnapshot && isBaseLevelFor(currentUserKey.toByteArray())) {
          entriesDropped++;
        } else {
          sink.add(key, merged.valueSlice());
        }
      }
    }
    VersionEdit edit = new VersionEdit();
    for (CompactionTask.LevelInputs level : task.inputs()) {
      for (FileMetadata f : level.files()) {
        edit.deleteFile(level.level(), f.number());
      }
    }
    for (FileMetadata f : sink.finish()) {
      edit.addFile(task.outputLevel(), f);
    }
    return edit;
  }

  private List<InternalIterator> sources(TableCache tables) {
    List<InternalIterator> sources = new ArrayList<>();
    for (CompactionTask.LevelInputs level : task.inputs()) {
      List<FileMetadata> files = level.files();
      if (level.level() == 0) {
        for (FileMetadata f : files) {
          sources.add(tables.newIterator(f.number(), false));
        }
      } else {
        sources.add(new LevelIterator(Version.largestKeys(files), i -> tables.newIterator(files.get(i).number(), false)));
      }
    }
    return sources;
  }

  /** Index of the oldest snapshot at or above {@code sequence}; snapshots.length if none. */
  private int stripe(long sequence) {
    int lo = 0;
    int hi = snapshots.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (snapshots[mid] < sequence) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * Whether no older data outside the inputs holds {@code userKey}: no level below the output
   * level, and, when the output is L0 (a tiered merge of the newest runs), no L0 table left out of
   * the merge, all of which are older.
   */
  private boolean isBaseLevelFor(byte[] userKey) {
    if (task.outputLevel() == 0) {
      for (FileMetadata f : base.files(0)) {
        if (!inputNumbers.contains(f.number()) && f.mayHold(userKey)) {
          return false;
        }
      }
    }
    for (int level = task.outputLevel() + 1; level < Version.NUM_LEVELS; level++) {
      if (base.levelMayHold(level, userKey)) {
        return false;
      }
    }
    return true;
  }

  /** Entries read from the inputs. */
  public long entriesIn() {
    return entriesIn;
  }

  /** Values the compaction filter removed or changed. */
  public long entriesFiltered() {
    return entriesFiltered;
  }

  /** Entries dropped as invisible. */
  public long entriesDropped() {
    return entriesDropped;
  }
}
