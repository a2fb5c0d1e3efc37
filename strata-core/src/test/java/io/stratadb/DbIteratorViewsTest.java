package io.stratadb;

import static io.stratadb.TestKeys.b;
import static io.stratadb.TestKeys.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The for-each and stream views of {@link DbIterator}, and prefix scans. */
class DbIteratorViewsTest {
  @TempDir Path dir;

  private static List<String> keys(Iterable<KeyValue> entries) {
    List<String> out = new ArrayList<>();
    for (KeyValue kv : entries) {
      out.add(s(kv.key()) + "=" + s(kv.value()));
    }
    return out;
  }

  private static Db filled(Path dir) {
    Db db = Db.open(dir);
    for (String k : List.of("a", "b", "c", "d")) {
      db.put(b(k), b(k.toUpperCase()));
    }
    return db;
  }

  @Test
  void forEachWalksAScanFromItsFirstKeyAndAnUnpositionedIteratorFromTheFirstKey() {
    try (Db db = filled(dir)) {
      try (DbIterator it = db.scan(Bound.exclusive(b("a")), Bound.exclusive(b("d")))) {
        assertEquals(List.of("b=B", "c=C"), keys(it));
        assertFalse(it.isValid(), "the walk moved the iterator to the end");
        assertEquals(List.of("b=B", "c=C"), keys(it), "a walk from the end starts again at the first key");
      }
      try (DbIterator it = db.newIterator()) {
        assertFalse(it.isValid(), "newIterator is unpositioned");
        assertEquals(List.of("a=A", "b=B", "c=C", "d=D"), keys(it));
      }
      try (DbIterator it = db.newIterator()) {
        it.seek(b("c"));
        assertEquals(List.of("c=C", "d=D"), keys(it), "a positioned iterator walks from where it is");
        it.seek(b("c"));
        Iterator<KeyValue> done = it.iterator();
        done.next();
        done.next();
        assertFalse(done.hasNext());
        assertThrows(NoSuchElementException.class, done::next);
      }
    }
  }

  @Test
  void closingTheStreamClosesTheIterator() {
    try (Db db = filled(dir)) {
      DbIterator it = db.scan(Bound.inclusive(b("b")), Bound.unbounded());
      try (Stream<KeyValue> entries = it.stream()) {
        assertEquals("b,c,d", entries.map(kv -> s(kv.key())).collect(Collectors.joining(",")));
      }
      assertThrows(IllegalStateException.class, it::isValid, "closed with its stream");
      try (Stream<KeyValue> entries = db.newIterator().stream()) {
        assertEquals(List.of(new KeyValue(b("a"), b("A"))), entries.limit(1).collect(Collectors.toList()));
      }
    }
  }

  @Test
  void aClosedIteratorOrDatabaseRefusesTheViews() {
    Db db = filled(dir);
    DbIterator it = db.newIterator();
    it.close();
    assertThrows(IllegalStateException.class, it::iterator);
    DbIterator open = db.newIterator();
    db.close();
    assertThrows(DbClosedException.class, open::stream);
    open.close();
  }

  @Test
  void aTransactionsScanIsIterableToo() {
    try (Db db = filled(dir); Transaction txn = db.beginTransaction()) {
      txn.put(b("bb"), b("mine"));
      txn.delete(b("c"));
      try (DbIterator it = txn.scan(Bound.inclusive(b("b")), Bound.unbounded())) {
        assertEquals(List.of("b=B", "bb=mine", "d=D"), keys(it), "its own writes over the snapshot");
      }
    }
  }

  @Test
  void scanPrefixSelectsExactlyTheKeysWithThePrefix() {
    try (Db db = Db.open(dir)) {
      byte[][] keys = {b("user"), b("user:1"), b("user:2"), b("user;"), b("users"), b("usf"),
          {(byte) 0xff}, {(byte) 0xff, (byte) 0xff, 1}, {(byte) 0xfe, (byte) 0xff, 7}, {(byte) 0xff, 0}};
      for (byte[] k : keys) {
        db.put(k, b("v"));
      }
      try (DbIterator it = db.scanPrefix(b("user:"))) {
        assertEquals(List.of("user:1=v", "user:2=v"), keys(it));
      }
      try (DbIterator it = db.scanPrefix(b("user"))) {
        assertEquals(List.of("user=v", "user:1=v", "user:2=v", "user;=v", "users=v"), keys(it));
      }
      try (DbIterator it = db.scanPrefix(new byte[] {(byte) 0xff, (byte) 0xff})) {
        assertTrue(it.isValid());
        assertEquals(3, it.key().length);
        it.next();
        assertFalse(it.isValid(), "only 0xff 0xff 01 starts with 0xff 0xff");
      }
      try (DbIterator it = db.scanPrefix(new byte[] {(byte) 0xfe, (byte) 0xff})) {
        assertEquals(1, it.stream().count(), "the successor of fe ff is ff: 0xff itself is outside");
      }
      try (DbIterator it = db.scanPrefix(new byte[0])) {
        assertEquals(keys.length, it.stream().count());
      }
      try (Snapshot snapshot = db.getSnapshot()) {
        db.put(b("user:3"), b("v"));
        try (DbIterator it = db.scanPrefix(b("user:"), ReadOptions.snapshot(snapshot))) {
          assertEquals(2, it.stream().count(), "the snapshot does not see user:3");
        }
      }
      assertThrows(IllegalArgumentException.class, () -> db.scanPrefix(null));
    }
  }

  @Test
  void prefixEndIsTheExclusiveSuccessor() {
    assertEquals("exclusive(\"ab\")", Bound.prefixEnd(b("aa")).toString());
    assertEquals("exclusive(0x02)", Bound.prefixEnd(new byte[] {1, (byte) 0xff, (byte) 0xff}).toString());
    assertTrue(Bound.prefixEnd(new byte[] {(byte) 0xff, (byte) 0xff}).isUnbounded());
    assertTrue(Bound.prefixEnd(new byte[0]).isUnbounded());
    byte[] prefix = b("x");
    Bound end = Bound.prefixEnd(prefix);
    prefix[0] = 'q';
    assertEquals("exclusive(\"y\")", end.toString(), "the prefix was copied");
  }
}
