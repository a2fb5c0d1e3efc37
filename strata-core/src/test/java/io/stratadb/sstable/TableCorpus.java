package io.stratadb.sstable;

import io.stratadb.key.InternalKey;
import io.stratadb.key.ValueType;
import io.stratadb.sstable.TableTestSupport.Entry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

/**
 * TEST ONLY: a deterministic set of internal entries, in internal-key order, that exercises what a
 * table builder handles: empty values, tombstones, several versions of one user key, empty and
 * long user keys (longer than a block), long values, and keys sharing long prefixes. The same
 * seed always gives the same entries, so tables built from them can be compared with golden
 * digests taken from an earlier build.
 */
final class TableCorpus {
  private TableCorpus() {}

  static List<Entry> entries(long seed, int userKeys) {
    Random r = new Random(seed);
    TreeSet<byte[]> users = new TreeSet<>(Arrays::compareUnsigned);
    users.add(new byte[0]);
    while (users.size() < userKeys) {
      int kind = r.nextInt(50);
      byte[] key;
      if (kind == 0) {
        key = new byte[2000 + r.nextInt(4000)]; // long key: longer than most blocks
        r.nextBytes(key);
      } else if (kind < 25) {
        key = String.format("user%08d", r.nextInt(1_000_000)).getBytes(); // shared prefixes
      } else {
        key = new byte[1 + r.nextInt(24)];
        r.nextBytes(key);
      }
      users.add(key);
    }
    List<Entry> entries = new ArrayList<>();
    long sequence = 1L << 40;
    for (byte[] user : users) {
      int versions = 1 + (r.nextInt(4) == 0 ? r.nextInt(4) : 0);
      for (int v = 0; v < versions; v++) {
        sequence -= 1 + r.nextInt(1000);
        if (r.nextInt(8) == 0) {
          entries.add(new Entry(InternalKey.encode(user, sequence, ValueType.DELETE), new byte[0]));
        } else {
          int kind = r.nextInt(16);
          byte[] value = new byte[kind == 0 ? 0 : kind == 1 ? 3000 + r.nextInt(5000) : r.nextInt(200)];
          // a quarter random, the rest repetitive, so compression has something to save
          for (int i = 0; i < value.length; i++) {
            value[i] = (byte) (i % 4 == 0 ? r.nextInt(256) : 'v');
          }
          entries.add(new Entry(InternalKey.encode(user, sequence, ValueType.PUT), value));
        }
      }
    }
    return entries;
  }
}
