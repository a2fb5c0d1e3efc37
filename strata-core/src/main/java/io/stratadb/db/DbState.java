package io.stratadb.db;

import io.stratadb.manifest.Version;
import io.stratadb.memtable.Memtable;
import java.util.ArrayList;
import java.util.List;

/**
 * What a reader needs, published as one immutable value by atomic swap (mini-lsm's {@code
 * LsmStorageState} behind an {@code Arc}): the mutable memtable, the immutable memtables newest
 * first, and the current version. The state owns one reference to its version, released when a
 * newer state replaces it; readers take their own with {@link Version#tryRetain()}.
 *
 * @param memtable the memtable receiving writes
 * @param immutables frozen memtables waiting for flush, newest first
 * @param version the SSTables
 */
record DbState(Memtable memtable, List<Memtable> immutables, Version version) {

  /** This state with {@code memtable} frozen and {@code fresh} receiving writes. */
  DbState rotate(Memtable fresh) {
    List<Memtable> imms = new ArrayList<>(immutables.size() + 1);
    imms.add(memtable);
    imms.addAll(immutables);
    return new DbState(fresh, List.copyOf(imms), version);
  }

  /** This state with {@code flushed} gone from the immutables and {@code next} as version. */
  DbState afterFlush(Memtable flushed, Version next) {
    List<Memtable> imms = new ArrayList<>(immutables);
    imms.remove(flushed);
    return new DbState(memtable, List.copyOf(imms), next);
  }

  /** This state with another version. */
  DbState withVersion(Version next) {
    return new DbState(memtable, immutables, next);
  }

  /** Memtables newest first: the mutable one, then the immutables. */
  List<Memtable> memtablesNewestFirst() {
    List<Memtable> all = new ArrayList<>(immutables.size() + 1);
    all.add(memtable);
    all.addAll(immutables);
    return all;
  }
}
