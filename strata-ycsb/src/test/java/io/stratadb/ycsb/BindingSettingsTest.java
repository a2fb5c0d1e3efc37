package io.stratadb.ycsb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.stratadb.Compression;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class BindingSettingsTest {

  private static Properties props(String... kv) {
    Properties p = new Properties();
    for (int i = 0; i < kv.length; i += 2) {
      p.setProperty(kv[i], kv[i + 1]);
    }
    return p;
  }

  @Test
  void defaultsApplyWhenOnlyTheDirectoryIsGiven() {
    BindingSettings s = BindingSettings.from(props("strata.dir", "/tmp/x"), "strata");

    assertEquals(new BindingSettings(Path.of("/tmp/x"), 64L << 20, 64L << 20, Compression.LZ4, false), s);
  }

  @Test
  void readsEveryPropertyUnderItsOwnPrefix() {
    Properties p = props("rocksdb.dir", "/d", "rocksdb.writebuffersize", "8m", "rocksdb.cachesize", "1073741824",
        "rocksdb.compression", "ZSTD", "rocksdb.sync", "true", "strata.cachesize", "1k");

    assertEquals(new BindingSettings(Path.of("/d"), 8L << 20, 1L << 30, Compression.ZSTD, true),
        BindingSettings.from(p, "rocksdb"));
    assertEquals(2L << 30, BindingSettings.from(props("s.dir", "/d", "s.cachesize", "2G"), "s").cacheSize());
    assertEquals(3L << 10, BindingSettings.from(props("s.dir", "/d", "s.cachesize", "3k"), "s").cacheSize());
  }

  @Test
  void badValuesNameTheProperty() {
    assertThrows(IllegalArgumentException.class, () -> BindingSettings.from(props(), "strata"));
    for (String[] bad : new String[][] {
        {"s.cachesize", "lots"}, {"s.cachesize", "-1"}, {"s.cachesize", "m"}, {"s.writebuffersize", "99999999999g"},
        {"s.compression", "gzip"}, {"s.sync", "yes"}}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> BindingSettings.from(props("s.dir", "/d", bad[0], bad[1]), "s"), bad[0] + "=" + bad[1]);
      assertEquals(true, e.getMessage().contains(bad[0]), e.getMessage());
    }
  }
}
