package io.stratadb;

import static io.stratadb.TestKeys.b;
import static io.stratadb.TestKeys.key;
import static io.stratadb.TestKeys.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which files exist when: obsolete tables, manifests and the table cache. */
class DbFilesTest {
  @TempDir Path dir;

  private Set<String> names(String prefixOrSuffix) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(prefixOrSuffix) || n.startsWith(prefixOrSuffix))
          .collect(Collectors.toSet());
    }
  }

  @Test
  void tablesAnOpenIteratorReadsSurviveCompactionUntilItCloses() throws IOException {
    Options options = TestKeys.smallOptions().toBuilder().compactionStrategy(TestKeys.leveled(2)).build();
    try (Db db = Db.open(dir, options)) {
      for (int i = 0; i < 500; i++) {
        db.put(key(i), b("first"));
      }
      db.flush();
      Set<String> before = names(".sst");
      DbIterator it = db.newIterator();
      for (int i = 0; i < 500; i++) {
        db.put(key(i), b("second"));
      }
      db.flush(); // second L0 table: triggers a compaction that replaces both tables
      DbApiTest.waitFor(() -> db.stats().compactionCount() > 0);
      DbApiTest.waitFor(() -> db.stats().levels().get(0).files() == 0);
      assertTrue(names(".sst").containsAll(before), "files pinned by the iterator are kept");
      int count = 0;
      for (it.seekToFirst(); it.isValid(); it.next()) {
        assertEquals("first", s(it.value()));
        count++;
      }
      assertEquals(500, count);
      it.close();
      DbApiTest.waitFor(() -> {
        try {
          return names(".sst").stream().noneMatch(before::contains);
        } catch (IOException e) {
          throw new AssertionError(e);
        }
      });
      assertEquals("second", s(db.get(key(42))));
    }
  }

  @Test
  void manifestIsRewrittenWhenItGrowsAndStillRecovers() throws IOException {
    Options options = TestKeys.smallOptions().toBuilder().maxManifestFileSize(4096).build();
    String firstManifest;
    try (Db db = Db.open(dir, options)) {
      firstManifest = names("MANIFEST-").iterator().next();
      for (int round = 0; round < 150; round++) {
        db.put(key(round), b("v" + round));
        db.flush();
      }
      Set<String> manifests = names("MANIFEST-");
      assertEquals(1, manifests.size(), "the old manifest is deleted");
      assertNotEquals(firstManifest, manifests.iterator().next());
    }
    try (Db db = Db.open(dir, options)) {
      for (int round = 0; round < 150; round++) {
        assertEquals("v" + round, s(db.get(key(round))));
      }
    }
  }

  @Test
  void moreTablesThanMaxOpenFilesAreAllReadable() {
    Options options = TestKeys.smallOptions().toBuilder().maxOpenFiles(16)
        .compactionStrategy(TestKeys.leveled(1000)).l0SlowdownWritesTrigger(1000).l0StopWritesTrigger(1000).build();
    try (Db db = Db.open(dir, options)) {
      for (int round = 0; round < 40; round++) {
        db.put(key(round), b("v" + round));
        db.flush();
      }
      assertEquals(40, db.stats().levels().get(0).files());
      for (int pass = 0; pass < 2; pass++) {
        for (int round = 0; round < 40; round++) {
          assertEquals("v" + round, s(db.get(key(round))));
        }
      }
      List<String> scanned = new java.util.ArrayList<>();
      try (DbIterator it = db.scan(Bound.unbounded(), Bound.unbounded())) {
        for (; it.isValid(); it.next()) {
          scanned.add(s(it.key()));
        }
      }
      assertEquals(40, scanned.size());
      assertFalse(scanned.isEmpty());
    }
  }
}
