package io.stratadb.memtable;

import io.stratadb.MemtableRep;

/** The memtable index contract on the skiplist. */
class SkipListTest extends MemtableIndexTest {
  @Override
  MemtableRep rep() {
    return MemtableRep.SKIPLIST;
  }
}
