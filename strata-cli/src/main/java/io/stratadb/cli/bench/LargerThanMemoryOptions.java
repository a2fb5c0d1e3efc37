package io.stratadb.cli.bench;

import io.stratadb.Options;
import io.stratadb.ReadMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The options of {@code strata bench --larger-than-memory} (a picocli mixin of {@link
 * BenchCommand}): the memory limit of the reading JVM's cgroup, its heap, how long each read
 * phase may run, how long the device's own rate is measured, and whether values compress. Filled
 * by picocli; read on the command's thread.
 */
final class LargerThanMemoryOptions {
  /** Default write buffer (memtable) size of the mode, as the RocksDB setup: 64 MiB. */
  static final long WRITE_BUFFER_BYTES = 64L << 20;
  /** Default compaction output size of the mode, RocksDB's {@code target_file_size_base}: 64 MiB. */
  static final long TARGET_FILE_BYTES = 64L << 20;

  @Option(names = "--larger-than-memory", description = "Fill --num keys (each once, random order), close, drop "
      + "the page cache (as root), then run readrandom and seekrandom in a separate JVM held to --memory-limit by a "
      + "memory cgroup, with RocksJava side by side under --compare rocksdb. See docs/larger-than-memory.md.")
  boolean enabled;

  @Option(names = "--memory-limit", paramLabel = "SIZE", defaultValue = "1536m", converter = SizeConverter.class,
      description = "With --larger-than-memory: the reading JVM's memory cgroup limit (heap, off-heap and page "
          + "cache), e.g. 1536m or 2g (default: ${DEFAULT-VALUE}).")
  long memoryLimit;

  @Option(names = "--reader-heap", paramLabel = "SIZE", defaultValue = "512m", converter = SizeConverter.class,
      description = "With --larger-than-memory: the reading JVM's -Xmx, block cache included for StrataDB "
          + "(default: ${DEFAULT-VALUE}; --cache-size defaults to half of it).")
  long readerHeap;

  @Option(names = "--duration", paramLabel = "TIME", defaultValue = "60s", converter = DurationConverter.class,
      description = "With --larger-than-memory: the longest a read phase runs, e.g. 60s, 2m or 500ms; it ends "
          + "earlier when each thread did --num/--threads operations (default: ${DEFAULT-VALUE}).")
  long durationMs;

  @Option(names = "--device-probe", paramLabel = "TIME", defaultValue = "5s", converter = DurationConverter.class,
      description = "With --larger-than-memory: how long the device's random 4 KiB O_DIRECT read rate is measured "
          + "over the databases' files, 0 to skip (default: ${DEFAULT-VALUE}).")
  long deviceProbeMs;

  @Option(names = "--drop-caches", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "With --larger-than-memory: sync and drop the machine's page cache before each read phase "
          + "(needs root; default: on). --no-drop-caches keeps it, e.g. in tests on a shared machine.")
  boolean dropCaches;

  @Option(names = "--compressible-values", description = "With --larger-than-memory: db_bench's values that "
      + "compress to half instead of incompressible random bytes.")
  boolean compressibleValues;

  @Option(names = "--reuse-db", description = "With --larger-than-memory: an engine whose directory under --db "
      + "already holds a database (a CURRENT file) is not filled again; its read phases run on it as it is. Give "
      + "the --num it was filled with. The fill's row and totals then read n/a.")
  boolean reuseDb;

  @Option(names = "--read-phases", paramLabel = "LIST", split = ",", defaultValue = "readrandom,seekrandom",
      description = "With --larger-than-memory: the read phases to run, in order, from readrandom and seekrandom "
          + "(default: ${DEFAULT-VALUE}).")
  List<String> readPhases;

  @Option(names = "--reader-jvm-option", paramLabel = "OPTION", description = "With --larger-than-memory: an "
      + "option for every reading JVM, repeatable, e.g. --reader-jvm-option=-XX:StartFlightRecording=filename=r.jfr")
  List<String> readerJvmOptions = new ArrayList<>();

  @Option(names = "--read-mode", paramLabel = "MODE", description = "With --larger-than-memory: how StrataDB's "
      + "reading JVM reads its tables (Options.readMode): AUTO, MMAP or PREAD (default: StrataDB's own, AUTO).")
  ReadMode readMode;

  @Option(names = "--direct-reads", description = "With --larger-than-memory: StrataDB's reading JVM reads its "
      + "tables with O_DIRECT (Options.useDirectReads, RocksDB's use_direct_reads), around the page cache.")
  boolean directReads;

  @Option(names = "--readahead-size", paramLabel = "SIZE", converter = SizeOrZeroConverter.class, description = "With "
      + "--larger-than-memory: the longest read-ahead of StrataDB's iterators in the reading JVM "
      + "(Options.maxAutoReadaheadSize, 0 for none; default: StrataDB's own, 256k).")
  Long readaheadSize;

  @Option(names = "--block-align", description = "With --larger-than-memory: StrataDB writes its tables with "
      + "aligned data blocks (TableLayout.alignDataBlocks, RocksDB's block_align), in the fill and in the reader's "
      + "compactions; a 4 KiB block is then one page of the file.")
  boolean blockAlign;

  @Option(names = "--block-cache-on-heap", description = "With --larger-than-memory: StrataDB's reading JVM keeps "
      + "its cached data blocks in heap arrays (MemoryBudget.blockCacheOffHeap false) instead of direct memory.")
  boolean blockCacheOnHeap;

  @Option(names = "--buffered-reads", description = "With --larger-than-memory: StrataDB's reading JVM reads the "
      + "tables it does not map through the page cache even where ReadMode AUTO would read them with O_DIRECT "
      + "(ReadPathOptions.autoDirectReads false).")
  boolean bufferedReads;

  @Option(names = "--strata-read-only", description = "With --larger-than-memory: StrataDB's reading JVM opens the "
      + "database read-only (Db.openReadOnly: no compaction, and no share of its budget set aside for memtables).")
  boolean strataReadOnly;

  @Option(names = "--strata-cache-size", paramLabel = "SIZE", converter = SizeConverter.class, description = "With "
      + "--larger-than-memory: StrataDB's block cache in the reading JVM (its memory budget: data blocks, index and "
      + "filter blocks, memtables), e.g. 896m, with -XX:MaxDirectMemorySize of as much for its off-heap data blocks; "
      + "default: --cache-size, as RocksJava's. RocksJava keeps --cache-size.")
  Long strataCacheSize;

  /**
   * The options of StrataDB's reading JVM: with {@code --strata-cache-size}, direct memory for an
   * arena of that budget ({@code -XX:MaxDirectMemorySize}: HotSpot's default, the heap size, would
   * stop the off-heap cache there), then the {@code --reader-jvm-option}s (a later option wins).
   */
  List<String> strataJvmOptions() {
    List<String> jvm = new ArrayList<>();
    if (strataCacheSize != null) {
      jvm.add("-XX:MaxDirectMemorySize=" + strataCacheSize);
    }
    jvm.addAll(readerJvmOptions);
    return jvm;
  }

  /** The arguments that pass the StrataDB options given to a {@link LargeReadChild}; empty for none. */
  List<String> strataReadArguments() {
    List<String> args = new ArrayList<>();
    if (readMode != null) {
      args.addAll(List.of("--read-mode", readMode.name()));
    }
    if (directReads) {
      args.add("--direct-reads");
    }
    if (readaheadSize != null) {
      args.addAll(List.of("--readahead-size", Long.toString(readaheadSize)));
    }
    if (blockAlign) {
      args.add("--block-align");
    }
    if (blockCacheOnHeap) {
      args.add("--block-cache-on-heap");
    }
    if (bufferedReads) {
      args.add("--buffered-reads");
    }
    if (strataReadOnly) {
      args.add("--strata-read-only");
    }
    if (strataCacheSize != null) {
      args.addAll(List.of("--strata-cache-size", Long.toString(strataCacheSize)));
    }
    return args;
  }

  /** Reads {@code 1536m}, {@code 2g}, {@code 512k} or plain bytes (binary units, any case). */
  static final class SizeConverter implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      String v = value.strip().toLowerCase(Locale.ROOT);
      int shift = switch (v.isEmpty() ? ' ' : v.charAt(v.length() - 1)) {
        case 'k' -> 10;
        case 'm' -> 20;
        case 'g' -> 30;
        default -> 0;
      };
      try {
        long n = Long.parseLong(shift == 0 ? v : v.substring(0, v.length() - 1));
        if (n <= 0 || n > (Long.MAX_VALUE >> shift)) {
          throw new TypeConversionException("expected a positive size, got '" + value + "'");
        }
        return n << shift;
      } catch (NumberFormatException e) {
        throw new TypeConversionException("expected a size such as 1536m, 2g or 1048576, got '" + value + "'");
      }
    }
  }

  /**
   * StrataDB's options: {@code base} with these options' read and table-layout options.
   *
   * @throws IllegalArgumentException if they are out of range or do not go together
   */
  Options strataOptions(Options base) {
    return LargeReadChild.strataOptions(base, readMode, directReads, !bufferedReads, readaheadSize, blockAlign);
  }

  /** As {@link SizeConverter}, also taking {@code 0}. */
  static final class SizeOrZeroConverter implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      return value.strip().equals("0") ? 0L : new SizeConverter().convert(value);
    }
  }

  /** Reads {@code 60s}, {@code 2m}, {@code 500ms} or plain seconds into milliseconds. */
  static final class DurationConverter implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      String v = value.strip().toLowerCase(Locale.ROOT);
      long unit = 1000;
      if (v.endsWith("ms")) {
        unit = 1;
        v = v.substring(0, v.length() - 2);
      } else if (v.endsWith("s")) {
        v = v.substring(0, v.length() - 1);
      } else if (v.endsWith("m")) {
        unit = 60_000;
        v = v.substring(0, v.length() - 1);
      }
      try {
        long n = Long.parseLong(v);
        if (n < 0 || n > Long.MAX_VALUE / unit) {
          throw new TypeConversionException("expected a duration of 0 or more, got '" + value + "'");
        }
        return n * unit;
      } catch (NumberFormatException e) {
        throw new TypeConversionException("expected a duration such as 60s, 2m or 500ms, got '" + value + "'");
      }
    }
  }
}
