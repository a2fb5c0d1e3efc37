package io.stratadb.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Drops Linux's page cache, as {@code sync; echo 3 > /proc/sys/vm/drop_caches}: dirty pages are
 * written first ({@code sync}), then clean page cache, dentries and inodes are freed, for every
 * process on the machine. Needs root. Stateless; thread-safe.
 */
final class PageCache {
  private static final Path DROP_CACHES = Path.of("/proc/sys/vm/drop_caches");

  private PageCache() {}

  /**
   * Syncs and drops the page cache. Never throws for a refusal: returns "" when the cache was
   * dropped, else the reason it was not (not root, no {@code /proc}, {@code sync} failed).
   *
   * @throws InterruptedException if interrupted while {@code sync} runs
   */
  static String drop() throws InterruptedException {
    try {
      Process sync = new ProcessBuilder("sync").inheritIO().start();
      if (!sync.waitFor(10, TimeUnit.MINUTES) || sync.exitValue() != 0) {
        sync.destroyForcibly();
        return "sync did not succeed";
      }
    } catch (IOException e) {
      return "cannot run sync: " + e.getMessage();
    }
    try {
      Files.writeString(DROP_CACHES, "3");
      return "";
    } catch (IOException | SecurityException e) {
      return "cannot write " + DROP_CACHES + " (" + e.getClass().getSimpleName() + ": " + e.getMessage()
          + "; dropping the page cache needs root)";
    }
  }
}
