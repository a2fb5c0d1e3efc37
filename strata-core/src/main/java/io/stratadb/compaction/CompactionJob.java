package io.stratadb.compaction;

import io.stratadb.iterator.InternalIterator;
import io.stratadb.iterator.LevelIterator;
import io.stratadb.iterator.MergingIterator;
import io.stratadb.key.InternalKey;
import io.stratadb.key.ValueType;
import io.stratadb.manifest.FileMetadata;
import io.stratadb.manifest.Version;
import io.stratadb.manifest.VersionEdit;
import io.stratadb.sstable.TableCache;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Runs one {@link CompactionTask}: merges its inputs, drops what no reader can see, writes the
 * rest through a {@link TableSink}, and returns the {@link VersionEdit} that swaps inputs for
 * outputs (LevelDB's {@code DBImpl::DoCompactionWork}).
 *
 * <p>Drop rules, as LevelDB's: an entry is dropped when a newer entry of the same user key has a
 * sequence number at or below {@code smallestSnapshot} (every reader sees the newer one); a
 * tombstone is dropped when its own sequence number is at or below {@code smallestSnapshot} and no
 * level below the output level holds the key (nothing older remains for it to hide). Readers of
 * older versions of the tree keep reading the input tables, which are deleted only after them.
 *
 * <p>Not thread-safe; one job per task.
 */
public final class CompactionJob {
  private final CompactionTask task;
  private final Version base;
  private final long smallestSnapshot;
  private final Set<Long> inputNumbers;
  private long entriesIn;
  private long entriesDropped;

  /**
   * @param task what to compact
   * @param base the version the task was picked from (pinned by the caller)
   * @param smallestSnapshot the oldest sequence number any reader may still read at
   */
  public CompactionJob(CompactionTask task, Version base, long smallestSnapshot) {
    this.task = task;
    this.base = base;
    this.smallestSnapshot = smallestSnapshot;
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
      byte[] currentUserKey = null;
      long lastSequenceForKey = Long.MAX_VALUE;
      for (merged.seekToFirst(); merged.isValid(); merged.next()) {
        byte[] ikey = merged.key();
        entriesIn++;
        if (currentUserKey == null || !InternalKey.sameUserKey(currentUserKey, ikey)) {
          currentUserKey = ikey;
          lastSequenceForKey = Long.MAX_VALUE;
        }
        long sequence = InternalKey.sequence(ikey);
        boolean drop;
        if (lastSequenceForKey <= smallestSnapshot) {
          drop = true;
        } else {
          drop = InternalKey.type(ikey) == ValueType.DELETE
              && sequence <= smallestSnapshot
              && isBaseLevelFor(ikey);
        }
        lastSequenceForKey = sequence;
        if (drop) {
          entriesDropped++;
        } else {
          sink.add(ikey, merged.value());
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
          sources.add(tables.newIterator(f.number()));
        }
      } else {
        List<byte[]> largest = new ArrayList<>(files.size());
        for (FileMetadata f : files) {
          largest.add(f.largest());
        }
        sources.add(new LevelIterator(largest, i -> tables.newIterator(files.get(i).number())));
      }
    }
    return sources;
  }

  /**
   * Whether no older data outside the inputs holds {@code ikey}'s user key: no level below the
   * output level, and, when the output is L0 (a tiered merge of the newest runs), no L0 table left
   * out of the merge, all of which are older.
   */
  private boolean isBaseLevelFor(byte[] ikey) {
    byte[] userKey = InternalKey.userKey(ikey);
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

  /** Entries dropped as invisible. */
  public long entriesDropped() {
    return entriesDropped;
  }
}
