package io.stratadb;

import static io.stratadb.TestKeys.b;
import static io.stratadb.TestKeys.key;
import static io.stratadb.TestKeys.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conventions a RocksJava or iq80 user expects: {@link Db#open(Path)}, {@link
 * DbClosedException} among the {@link StrataException}s, {@link Db#compactRange(Bound, Bound)}
 * with scan's bounds, printable keys in conflict messages.
 */
class DbApiConventionsTest {
  @TempDir Path dir;

  @Test
  void openWithDefaultOptionsCreatesAndReopens() {
    try (Db db = Db.open(dir)) {
      db.put(b("k"), b("v"));
    }
    try (Db db = Db.open(dir)) {
      assertEquals("v", s(db.get(b("k"))));
    }
    assertThrows(IllegalArgumentException.class, () -> Db.open((Path) null));
  }

  @Test
  void aClosedDatabaseThrowsAStrataException() {
    Db db = Db.open(dir);
    DbIterator it = db.newIterator();
    db.close();
    StrataException e = assertThrows(StrataException.class, () -> db.get(b("k")));
    assertInstanceOf(DbClosedException.class, e);
    assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
    assertThrows(DbClosedException.class, it::seekToFirst);
    it.close();
  }

  private static int tableEntriesIn(Db db) {
    return db.stats().levels().stream().mapToInt(DbStats.LevelStats::files).sum();
  }

  @Test
  void compactRangeTakesScanBoundsAndTheDeprecatedFormStillWorks() {
    Options options = Options.builder().compactionStrategy(TestKeys.leveled(100)).build();
    try (Db db = Db.open(dir, options)) {
      for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 100; i++) {
          db.put(key(i), b("v" + round));
        }
        db.flush();
      }
      assertEquals(3, db.stats().levels().get(0).files());
      db.compactRange(Bound.inclusive(key(10)), Bound.exclusive(key(20)));
      assertEquals(0, db.stats().levels().get(0).files(), "every L0 table overlaps the range");
      assertEquals(1, tableEntriesIn(db));
      for (int i = 0; i < 100; i += 7) {
        assertEquals("v2", s(db.get(key(i))));
      }
      for (int i = 0; i < 50; i++) {
        db.delete(key(i));
      }
      db.flush();
      db.compactRange();
      assertNull(db.get(key(3)));
      assertEquals("v2", s(db.get(key(60))));
      compactWithTheDeprecatedForm(db);
      assertThrows(IllegalArgumentException.class, () -> db.compactRange(null, Bound.unbounded()));
    }
  }

  @SuppressWarnings("deprecation")
  private static void compactWithTheDeprecatedForm(Db db) {
    db.put(key(70), b("w"));
    db.flush();
    db.compactRange(key(70), (byte[]) null);
    assertEquals(0, db.stats().levels().get(0).files());
    assertEquals("w", s(db.get(key(70))));
  }

  @Test
  void nullBoundsAreIllegalArgumentsWithAMessageLikeTheDatabasesOwn() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Bound.prefixEnd(null));
    assertEquals("prefix must not be null", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Bound.inclusive(null));
    assertEquals("key must not be null", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Bound.exclusive(null));
    assertEquals("key must not be null", e.getMessage());
  }

  @Test
  void conflictMessagesPrintTextKeysAsTextAndOtherKeysAsHex() {
    try (Db db = Db.open(dir)) {
      Transaction text = db.beginTransaction();
      Transaction binary = db.beginTransaction();
      text.put(b("user:1"), b("a"));
      binary.put(new byte[] {0, (byte) 0xff, 'x'}, b("a"));
      db.put(b("user:1"), b("b"));
      db.put(new byte[] {0, (byte) 0xff, 'x'}, b("b"));
      TransactionConflictException e = assertThrows(TransactionConflictException.class, text::commit);
      assertTrue(e.getMessage().contains("key \"user:1\""), e.getMessage());
      e = assertThrows(TransactionConflictException.class, binary::commit);
      assertTrue(e.getMessage().contains("key 0x00ff78"), e.getMessage());
      text.close();
      binary.close();
    }
  }
}
