package io.stratadb.manifest;

import io.stratadb.iterator.InternalIterator;
import io.stratadb.iterator.LevelIterator;
import io.stratadb.key.InternalKey;
import io.stratadb.key.LookupResult;
import io.stratadb.key.SortedKeys;
import io.stratadb.sstable.TableCache;
import io.stratadb.util.Hash64;
import io.stratadb.util.RefCount;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

import java.util.function.Consumer;

/**
 * The set of SSTables that make up the database at one point, per level (LevelDB's {@code
 * db/version_set.h} {@code Version}). L0 tables may overlap and are kept newest first; the tables
 * of every deeper level form one sorted run, ordered by smallest key.
 *
 * <p>Immutable, so readers use it without locks. Reference-counted: readers {@link #tryRetain()}
 * it for the duration of a lookup or iterator, and a file is deleted only when no live version
 * lists it.
 */
public final class Version {

  /** Number of levels, L0 to L6, as in LevelDB. */
  public static final int NUM_LEVELS = 7;

  private static final Comparator<FileMetadata> BY_SMALLEST =
      (a, b) -> InternalKey.compare(a.smallest(), b.smallest());
  private static final Comparator<FileMetadata> NEWEST_FIRST =
      (a, b) -> Long.compare(b.number(), a.number());

  private final List<List<FileMetadata>> levels;
  /** Per level, its tables' largest keys in order, built once for every {@link LevelIterator}. */
  private final List<SortedKeys> largestKeys;
  /** The deepest level holding a table, 0 when only L0 does or none: its seeks read ahead a block. */
  private final int deepestLevel;
  private final RefCount references = new RefCount();
  private final Consumer<Version> onUnreferenced;

  private Version(List<List<FileMetadata>> levels, Consumer<Version> onUnreferenced) {
    this.levels = levels;
    this.onUnreferenced = onUnreferenced;
    List<SortedKeys> largest = new ArrayList<>(levels.size());
    for (int level = 0; level < levels.size(); level++) {
      // L0's tables overlap and are never searched as one sorted run.
      largest.add(level == 0 ? SortedKeys.of(new byte[0][]) : largestKeys(levels.get(level)));
    }
    this.largestKeys = largest;
    int deepest = levels.size() - 1;
    while (deepest > 0 && levels.get(deepest).isEmpty()) {
      deepest--;
    }
    this.deepestLevel = deepest;
  }

  /**
   * The largest keys of a sorted run's tables (a level deeper than L0, whose tables are in key
   * order), for a {@link LevelIterator}. Thread-safe: reads only the tables' immutable metadata.
   */
  public static SortedKeys largestKeys(List<FileMetadata> files) {
    byte[][] keys = new byte[files.size()][];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = files.get(i).largest();
    }
    return SortedKeys.of(keys);
  }

  /** An empty version holding one reference (the creator's). */
  static Version empty(Consumer<Version> onUnreferenced) {
    List<List<FileMetadata>> levels = new ArrayList<>();
    for (int i = 0; i < NUM_LEVELS; i++) {
      levels.add(List.of());
    }
    return new Version(levels, onUnreferenced);
  }

  /**
   * A version owned by no {@link VersionSet}, for simulations and tests: {@code levels} lists the
   * tables of each level (L0 first, at most {@link #NUM_LEVELS} levels); they are sorted here.
   */
  public static Version detached(List<List<FileMetadata>> levels) {
    VersionEdit edit = new VersionEdit();
    for (int level = 0; level < levels.size(); level++) {
      for (FileMetadata f : levels.get(level)) {
        edit.addFile(level, f);
      }
    }
    return empty(v -> { }).apply(edit);
  }

  /** A detached version after {@code edit}, for simulations and tests. */
  public Version detachedApply(VersionEdit edit) {
    return apply(edit);
  }

  /** The version this one becomes after {@code edit}; it holds one reference (the creator's). */
  Version apply(VersionEdit edit) {
    List<List<FileMetadata>> next = new ArrayList<>();
    for (int level = 0; level < NUM_LEVELS; level++) {
      List<FileMetadata> files = new ArrayList<>(levels.get(level));
      for (VersionEdit.DeletedFile d : edit.deletedFiles()) {
        if (d.level() == level) {
          files.removeIf(f -> f.number() == d.number());
        }
      }
      for (VersionEdit.NewFile n : edit.newFiles()) {
        if (n.level() == level) {
          files.add(n.file());
        }
      }
      files.sort(level == 0 ? NEWEST_FIRST : BY_SMALLEST);
      next.add(Collections.unmodifiableList(files));
    }
    return new Version(next, onUnreferenced);
  }

  /** Takes a reference; false if the version is already dead (read the current one again). */
  public boolean tryRetain() {
    return references.tryRetain();
  }

  /** Drops a reference; the last one lets its obsolete files be deleted. */
  public void release() {
    if (references.release()) {
      onUnreferenced.accept(this);
    }
  }

  /** The tables of {@code level}: newest first for L0, by smallest key otherwise. */
  public List<FileMetadata> files(int level) {
    return levels.get(level);
  }

  /** Total bytes of the tables of {@code level}. */
  public long levelBytes(int level) {
    long total = 0;
    for (FileMetadata f : levels.get(level)) {
      total += f.size();
    }
    return total;
  }

  /** Tables of {@code level} whose user-key range overlaps {@code [smallest, largest]}. */
  public List<FileMetadata> overlapping(int level, byte[] smallestUserKey, byte[] largestUserKey) {
    List<FileMetadata> out = new ArrayList<>();
    for (FileMetadata f : levels.get(level)) {
      if (f.overlaps(smallestUserKey, largestUserKey)) {
        out.add(f);
      }
    }
    return out;
  }

  /**
   * Looks {@code userKey} up at {@code sequence}: L0 tables newest first, then one table per
   * deeper level, skipping tables whose key range or bloom filter excludes the key.
   */
  public LookupResult get(byte[] userKey, long sequence, TableCache tables) {
    return get(userKey, Hash64.hash(userKey, 0, userKey.length), sequence, tables);
  }

  /**
   * As {@link #get(byte[], long, TableCache)}, given {@code hash}, the key's {@link Hash64}: one
   * hash serves every table's bloom filter.
   */
  public LookupResult get(byte[] userKey, long hash, long sequence, TableCache tables) {
    return get(userKey, hash, sequence, tables, null);
  }

  /**
   * As {@link #get(byte[], long, long, TableCache)}, charging {@code seeks} (null for none) with
   * the first table whose data block the lookup read in vain when it then had to consult another
   * table (LevelDB's {@code Version::Get} and {@code UpdateStats}).
   */
  public LookupResult get(byte[] userKey, long hash, long sequence, TableCache tables, SeekBudget seeks) {
    FileMetadata missed = null; // the first table read in vain, charged when another table is consulted
    int missedLevel = 0;
    for (int level = 0; level < NUM_LEVELS; level++) {
      List<FileMetadata> files = levels.get(level);
      int i = level == 0 ? 0 : findFile(level, userKey);
      int end = level == 0 ? files.size() : Math.min(i + 1, files.size());
      for (; i < end; i++) {
        FileMetadata f = files.get(i);
        // Below L0 the search found the first table whose largest key is at or after the key.
        if (level == 0 ? !f.mayHold(userKey) : InternalKey.compareUserKey(f.smallest(), userKey) > 0) {
          continue;
        }
        if (missed != null && seeks != null) {
          seeks.charge(missedLevel, missed);
          seeks = null; // once per lookup
        }
        LookupResult r = tables.get(f.number(), userKey, hash, sequence);
        if (r.isDecided()) {
          return r;
        }
        if (r == LookupResult.MISSED && missed == null) {
          missed = f;
          missedLevel = level;
        }
      }
    }
    return LookupResult.ABSENT;
  }

  /**
   * Looks up every key of {@code userKeys} whose {@code results} slot is still null, as {@link
   * #get} does for one, filling the slots of keys found or deleted (keys absent everywhere stay
   * null). The keys are visited in ascending order and each table is searched once for all of its
   * keys ({@link TableCache#multiGet}), so keys in one data block share its lookup.
   */
  public void multiGet(byte[][] userKeys, long sequence, LookupResult[] results, TableCache tables) {
    Integer[] boxed = new Integer[userKeys.length];
    for (int i = 0; i < boxed.length; i++) {
      boxed[i] = i;
    }
    java.util.Arrays.sort(boxed, (a, b) -> java.util.Arrays.compareUnsigned(userKeys[a], userKeys[b]));
    int[] order = new int[boxed.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = boxed[i];
    }
    for (FileMetadata f : levels.get(0)) {
      tables.multiGet(f.number(), userKeys, order, sequence, results, f::mayHold);
    }
    for (int level = 1; level < NUM_LEVELS; level++) {
      List<FileMetadata> files = levels.get(level);
      int start = 0;
      while (start < order.length) {
        // The keys of one table form a run of the sorted order: batch them.
        int i = findFile(level, userKeys[order[start]]);
        if (i == files.size()) {
          break; // this and every later key is past the level's last table
        }
        FileMetadata f = files.get(i);
        int end = start;
        while (end < order.length && InternalKey.compareUserKey(f.largest(), userKeys[order[end]]) >= 0) {
          end++;
        }
        tables.multiGet(f.number(), userKeys, java.util.Arrays.copyOfRange(order, start, end), sequence, results,
            f::mayHold);
        start = end;
      }
    }
  }

  /** Whether a table of sorted-run {@code level} (L1 or deeper) has {@code userKey} in its range. */
  public boolean levelMayHold(int level, byte[] userKey) {
    List<FileMetadata> files = levels.get(level);
    int i = findFile(level, userKey);
    return i < files.size() && files.get(i).mayHold(userKey);
  }

  /**
   * Index of the first table of sorted-run {@code level} (L1 or deeper) whose largest user key is
   * {@code >= userKey}: a search of the level's {@link SortedKeys} fingerprints, not of the
   * tables' scattered key arrays.
   */
  private int findFile(int level, byte[] userKey) {
    return largestKeys.get(level).firstWithUserKeyAtOrAfter(userKey);
  }

  /**
   * Unpositioned iterators over every table, newest data first: one per L0 table, then one {@link
   * LevelIterator} per non-empty deeper level. The caller closes them.
   */
  public List<InternalIterator> iterators(TableCache tables) {
    List<InternalIterator> out = new ArrayList<>(levels.get(0).size() + NUM_LEVELS - 1);
    boolean onlyL0 = deepestLevel == 0; // L0's seeks read the next block only if it is the bottom
    try {
      for (FileMetadata f : levels.get(0)) {
        out.add(tables.newIterator(f.number(), true, onlyL0));
      }
    } catch (RuntimeException e) {
      out.forEach(InternalIterator::close);
      throw e;
    }
    for (int level = 1; level < NUM_LEVELS; level++) {
      if (!levels.get(level).isEmpty()) {
        out.add(newLevelIterator(level, tables));
      }
    }
    return out;
  }

  /** A {@link LevelIterator} over the sorted run of {@code level} (deeper than L0), or none if empty. */
  public List<InternalIterator> levelIterator(int level, TableCache tables) {
    List<FileMetadata> files = levels.get(level);
    if (files.isEmpty()) {
      return List.of();
    }
    return List.of(newLevelIterator(level, tables));
  }

  private LevelIterator newLevelIterator(int level, TableCache tables) {
    List<FileMetadata> files = levels.get(level);
    // Only the bottom level's seeks read the next block with theirs: most entries live there, so a
    // merged seek's steps move on in that level (docs/larger-than-memory.md, "A seek's next block").
    boolean bottom = level == deepestLevel;
    return new LevelIterator(largestKeys.get(level), i -> tables.newIterator(files.get(i).number(), true, bottom));
  }

  /** Adds every table of this version to {@code edit} (for a manifest snapshot). */
  void addAllFiles(VersionEdit edit) {
    for (int level = 0; level < NUM_LEVELS; level++) {
      for (FileMetadata f : levels.get(level)) {
        edit.addFile(level, f);
      }
    }
  }
}
