package io.stratadb.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.Db;
import io.stratadb.Options;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strata.sync.on.commit=false} makes commits no durability point: the WAL must then carry
 * the writes through a process crash (found by the review of the WAL-less stores: with the WAL off
 * by default, a committed put was gone after a crash while Kafka's checkpoint said it was there).
 */
class StoreDbSyncOnCommitTest {
  @TempDir Path tmp;

  @Test
  void syncOnCommitOffTurnsTheWalOnSoACommittedPutSurvivesAProcessCrash() throws IOException {
    Path dir = tmp.resolve("store");
    Path crash = tmp.resolve("crash");
    StoreDb store = StoreDb.open("s", dir, Map.of(StrataStores.SYNC_ON_COMMIT_CONFIG, "false"));
    try {
      assertFalse(store.writeOptions().disableWal());
      store.written();
      store.db().put("k".getBytes(UTF_8), "v".getBytes(UTF_8), store.writeOptions());
      store.commit(); // Kafka Streams writes its checkpoint (offset past this put) after this returns
      copyAsAfterProcessCrash(dir, crash); // what the page cache holds; the JVM's memory is gone
    } finally {
      store.close();
    }
    try (Db db = Db.open(crash, Options.defaults())) {
      assertArrayEquals("v".getBytes(UTF_8), db.get("k".getBytes(UTF_8)));
    }
  }

  @Test
  void syncOnCommitOffWithoutTheWalIsRefusedBeforeAnythingIsOpened() {
    Path dir = tmp.resolve("refused");
    ConfigException e = assertThrows(ConfigException.class, () -> StoreDb.open("s", dir,
        Map.of(StrataStores.SYNC_ON_COMMIT_CONFIG, "false", StrataStores.WAL_CONFIG, "false")));
    assertTrue(e.getMessage().contains(StrataStores.WAL_CONFIG), e.getMessage());
    assertFalse(Files.exists(dir), "nothing created");
  }

  /**
   * Copies the database directories under {@code from} to {@code to} as a killed process leaves
   * them (what is in files; no {@code LOCK}, whose reading would drop this process's lock on it).
   * Call it while no flush or compaction runs: a file deleted meanwhile is skipped (only obsolete
   * files are deleted), but one created meanwhile may be missed.
   */
  static void copyAsAfterProcessCrash(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    List<Path> entries;
    try (Stream<Path> files = Files.list(from)) { // names only: no stat of a file deleted meanwhile
      entries = files.toList();
    }
    for (Path p : entries) {
      Path target = to.resolve(p.getFileName().toString());
      if (Files.isDirectory(p)) {
        copyAsAfterProcessCrash(p, target);
      } else if (!p.getFileName().toString().equals("LOCK")) { // reading LOCK would drop the lock
        try {
          Files.copy(p, target);
        } catch (java.nio.file.NoSuchFileException obsolete) {
          // deleted since the listing: an obsolete file (a WAL after its flush), in a crash image or not
        }
      }
    }
  }

}
