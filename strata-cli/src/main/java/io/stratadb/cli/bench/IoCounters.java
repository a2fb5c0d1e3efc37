package io.stratadb.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's write counter from Linux's {@code /proc/self/io}: {@code wchar}, the bytes passed
 * to write system calls by every thread (WAL, SSTables, manifest), whatever the engine. The bytes
 * an engine wrote during a workload over the user bytes it was given is its write amplification,
 * measured alike for StrataDB and native peers; and {@code read_bytes}, the bytes read from the
 * device. Stateless; thread-safe.
 */
final class IoCounters {
  private static final Path PROC_IO = Path.of("/proc/self/io");
  private static final Path THREAD_IO = Path.of("/proc/thread-self/io");

  private IoCounters() {}

  /** Bytes written so far by this process, or -1 where {@code /proc/self/io} is not available. */
  static long writtenBytes() {
    return counter("wchar:");
  }

  /**
   * Bytes this process caused to be fetched from the storage layer so far ({@code read_bytes}:
   * block-device reads, read-ahead and page faults on mapped files included, page cache hits
   * not), or -1 where {@code /proc/self/io} is not available.
   */
  static long readBytes() {
    return counter("read_bytes:");
  }

  /**
   * Bytes the calling thread alone caused to be fetched from the storage layer so far ({@code
   * read_bytes} of {@code /proc/thread-self/io}), so that a benchmark thread's reads are told
   * apart from background compaction's; -1 where not available.
   */
  static long threadReadBytes() {
    return counter(THREAD_IO, "read_bytes:");
  }

  private static long counter(String name) {
    return counter(PROC_IO, name);
  }

  private static long counter(Path file, String name) {
    try {
      for (String line : Files.readAllLines(file)) {
        if (line.startsWith(name)) {
          return Long.parseLong(line.substring(name.length()).strip());
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
