package io.stratadb.cli.bench;

import io.stratadb.Bound;
import io.stratadb.CompactionStrategy;
import io.stratadb.Compression;
import io.stratadb.Db;
import io.stratadb.DbIterator;
import io.stratadb.DbStats;
import io.stratadb.IsolationLevel;
import io.stratadb.MemtableRep;
import io.stratadb.Options;
import io.stratadb.WriteOptions;
import io.stratadb.cli.CliCommand;
import io.stratadb.cli.StrataVersion;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code strata bench}: LevelDB db_bench-style workloads with db_bench's report format. Fill
 * benchmarks start from an empty database (db_bench's {@code fresh_db}); the others use what the
 * previous ones left. Only the workload's own operations are timed, each one into a latency
 * histogram ({@link OpLatency}). Each engine stays open from the fill to the reads unless {@code
 * --reopen} ({@link BenchRound}). Without {@code --db} the
 * database lives in a new directory under {@code ./strata-data-bench}, removed at the end. With
 * {@code --compare} each workload also runs on the peer engines, and {@code --rounds N}
 * repeats the whole list N times and reports medians ({@link BenchComparison}). With {@code
 * --thread-counts} StrataDB runs the list at each thread count in turn within every round, and the
 * report gives each count's ops/sec and its ratio to the first count ({@link BenchScaling}). With
 * {@code --larger-than-memory} it runs that mode instead ({@link LargerThanMemory}).
 */
@Command(name = "bench", description = {"Run db_bench-style benchmarks and print micros/op, ops/sec and MB/s, "
    + "then each workload's latency per operation (p50, p99, p99.9, max, in us) and the JVM's GC pauses during it.",
    "Each engine stays open from the fill to the reads, as an application keeps it (--reopen: reopened before "
        + "every workload).",
    "With --compare, also on RocksJava, iq80 LevelDB and/or LMDB; with --rounds N, the whole list N times "
        + "and the table gives each workload's median ops/sec with its min-max range."})
public final class BenchCommand extends CliCommand {

  static final String DEFAULT_BENCHMARKS =
      "fillseq,fillrandom,overwrite,readrandom,readseq,readreverse,seekrandom,deleterandom";

  /** Key seed of the first thread of the first benchmark, as db_bench's 1000 + thread count. */
  private static final long FIRST_SEED = 1001;

  @Option(names = "--benchmarks", paramLabel = "LIST", split = ",", defaultValue = DEFAULT_BENCHMARKS,
      description = "Comma-separated workloads, run in order (default: ${DEFAULT-VALUE}).")
  List<String> benchmarks;

  @Option(names = "--num", defaultValue = "1000000", description = "Number of keys (default: ${DEFAULT-VALUE}).")
  long num;

  @Option(names = "--value-size", paramLabel = "BYTES", defaultValue = "100",
      description = "Value size (default: ${DEFAULT-VALUE}).")
  int valueSize;

  @Option(names = "--key-size", paramLabel = "BYTES", defaultValue = "16",
      description = "Key size: zero-padded decimal (default: ${DEFAULT-VALUE}).")
  int keySize;

  @Option(names = "--threads", defaultValue = "1", description = "Threads; each does num/threads operations "
      + "(default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--db", paramLabel = "DIR", description = "Database directory; emptied by fill benchmarks "
      + "(default: a new directory under ./strata-data-bench, removed afterwards).")
  Path dir;

  @Option(names = "--sync", description = "Fsync the write-ahead log on every write.")
  boolean sync;

  @Option(names = "--statistics", description = "Record StrataDB's latency histograms (Options.statistics) and "
      + "print them in the final report.")
  boolean statistics;

  @Option(names = "--write-buffer-size", paramLabel = "BYTES", description = "Memtable size (default: 4 MiB).")
  Long writeBufferSize;

  @Option(names = "--target-file-size", paramLabel = "BYTES", description = "SSTable size at which compaction "
      + "starts a new output table, for every engine (default: each engine's own, StrataDB 2 MiB and RocksDB 64 "
      + "MiB; with --larger-than-memory 64 MiB).")
  Long targetFileSize;

  @Option(names = "--block-size", paramLabel = "BYTES", description = "SSTable block size (default: 4096).")
  Integer blockSize;

  @Option(names = "--cache-size", paramLabel = "BYTES", description = "Block cache size (default: 8 MiB).")
  Long cacheSize;

  @Option(names = "--bloom-bits", paramLabel = "BITS", description = "Bloom filter bits per key, 0 for none "
      + "(default: 10).")
  Integer bloomBits;

  @Option(names = "--compression", paramLabel = "none|snappy|lz4|zstd", converter = CompressionConverter.class,
      description = "Data block compression at every level (default: the engine's, lz4).")
  Compression compression;

  @Option(names = "--memtable-rep", paramLabel = "bplus-tree|skiplist", converter = MemtableRepConverter.class,
      description = "How StrataDB's memtables order their entries (default: bplus-tree).")
  MemtableRep memtableRep;

  @Option(names = "--parallel-seek", description = "StrataDB's iterators seek their sources in parallel "
      + "(ReadOptions.withParallelSeek).")
  boolean parallelSeek;

  @Option(names = "--compaction", paramLabel = "leveled|tiered|simple-leveled",
      description = "Compaction strategy with its defaults (default: leveled).")
  String compaction;

  @Option(names = "--txn-keys", description = "Keys the txn workload's read-modify-write transactions draw "
      + "from; fewer keys, more conflicts (default: 1000, or --num if smaller).")
  Long txnKeys;

  @Option(names = "--isolation", paramLabel = "snapshot|serializable", defaultValue = "snapshot",
      converter = IsolationConverter.class, description = "Isolation level of the txn workload "
      + "(default: ${DEFAULT-VALUE}).")
  IsolationLevel isolation;

  @Option(names = "--report", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "At the end, print the compaction stats, level shape and space amplification (default: on).")
  boolean report;

  @Option(names = "--compare", paramLabel = "ENGINE", split = ",", description = "Also run every workload on "
      + "these engines under equal settings: rocksdb (RocksJava), leveldb (iq80), lmdb (lmdbjava; one write "
      + "transaction per put; needs --add-opens java.base/java.nio=ALL-UNNAMED --add-opens "
      + "java.base/sun.nio.ch=ALL-UNNAMED, which strata.jar's manifest carries for java -jar).")
  List<String> compare = List.of();

  @Option(names = "--latency", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Record each operation's latency for the p50/p99/p99.9/max line (one System.nanoTime and a "
      + "histogram increment per operation); --no-latency leaves them out (default: on).")
  boolean latency;

  @Option(names = "--reopen", description = "Close and reopen each engine before every workload, the workloads "
      + "interleaved across the engines. Default: each engine in turn runs the whole list and stays open from "
      + "the fill to the reads, as an application's process does (a fill still starts a fresh database).")
  boolean reopen;

  @Option(names = "--rounds", paramLabel = "N", defaultValue = "1", description = "With --compare: run the whole "
      + "workload list N times in a row, each round as a single run, and report per workload the median ops/sec "
      + "over the rounds with its min-max range (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--thread-counts", paramLabel = "N", split = ",", description = "Run every workload on StrataDB "
      + "at each of these thread counts, interleaved within each round, and report ops/sec per count and each "
      + "count's ratio to the first, paired by round (e.g. --sync --benchmarks fillrandom --thread-counts 1,16 "
      + "--rounds 5 for group commit). Not with --compare or --threads.")
  List<Integer> threadCounts = List.of();

  @Option(names = "--results", paramLabel = "DIR", description = "With --compare: where results.csv, summary.csv, "
      + "results.json and results.png go (default: ./strata-bench-results).")
  Path resultsDir = Path.of("strata-bench-results");

  @Mixin
  LargerThanMemoryOptions largerThanMemory = new LargerThanMemoryOptions();

  @Override
  protected int run() throws IOException, InterruptedException {
    if (largerThanMemory.enabled) {
      // The mode's defaults, as the setup: 64 MiB memtables, no compression, half the reader heap as
      // cache; compaction outputs of RocksDB's default target size.
      writeBufferSize = writeBufferSize == null ? LargerThanMemoryOptions.WRITE_BUFFER_BYTES : writeBufferSize;
      compression = compression == null ? Compression.NONE : compression;
      cacheSize = cacheSize == null ? largerThanMemory.readerHeap / 2 : cacheSize;
      targetFileSize = targetFileSize == null ? LargerThanMemoryOptions.TARGET_FILE_BYTES : targetFileSize;
    }
    List<BenchWorkload> workloads = parseWorkloads();
    List<BenchEngine.Kind> engines = parseEngines();
    validate();
    if (rounds > 1 && engines.size() < 2 && threadCounts.isEmpty()) {
      // The medians are reported by the comparison or scaling table, which exist only with peers or counts.
      throw usageError("--rounds above 1 needs --compare (e.g. --compare rocksdb,leveldb) or --thread-counts; got "
          + "--rounds " + rounds + " without them");
    }
    Options options = options();
    BenchSettings settings = new BenchSettings(options.writeBufferSize(), options.blockSize(),
        options.bloomBitsPerKey(), options.blockCacheSize(), options.compression(), options.compactionStrategy(),
        options.memtableRep(), sync, statistics, parallelSeek, targetFileSize == null ? 0 : options.targetFileSize());
    BenchConfig config = new BenchConfig(num, threads, keySize, valueSize, WriteOptions.of(sync),
        txnKeys == null ? Math.min(1000, num) : txnKeys, isolation, latency);
    if (largerThanMemory.enabled) {
      return runLargerThanMemory(settings, engines);
    }
    boolean comparing = engines.size() > 1;
    boolean temporary = dir == null;
    Path path = temporary ? BenchDirectory.createTemp(BenchDirectory.DEFAULT_BASE) : dir;
    PrintWriter out = out();
    printHeader(out, options, path, temporary, engines);
    BenchComparison comparison = new BenchComparison(engines, runSettings(options));
    BenchScaling scaling = threadCounts.isEmpty() ? null : new BenchScaling(threadCounts);
    Map<BenchEngine.Kind, BenchEngine> open = new EnumMap<>(BenchEngine.Kind.class);
    long dataBytes = LmdbBenchEngine.dataBytes(num, keySize, valueSize);
    BenchRound roundRunner = new BenchRound(reopen ? BenchRound.Mode.REOPEN : BenchRound.Mode.KEEP_OPEN, engines,
        path, (kind, engineDir) -> kind.open(engineDir, settings, dataBytes), FIRST_SEED, open, out);
    try {
      for (int round = 1; round <= rounds; round++) {
        if (rounds > 1) {
          out.printf("Round %d of %d%n", round, rounds);
        }
        if (scaling == null) {
          roundRunner.run(round, workloads, config, comparison::add);
          continue;
        }
        for (int count : threadCounts) {
          out.printf("Threads %d%n", count);
          int r = round;
          roundRunner.run(round, workloads, config.withThreads(count),
              row -> scaling.add(new BenchScaling.Row(r, count, row.result())));
        }
      }
      BenchEngine strata = open.get(BenchEngine.Kind.STRATADB);
      if (report && strata != null) {
        printReport(out, strata.strata());
      }
    } finally {
      for (BenchEngine engine : open.values()) {
        engine.close();
      }
    }
    if (scaling != null) {
      scaling.print(out);
    }
    if (comparing) {
      for (BenchEngine.Kind kind : engines) {
        comparison.diskBytes(kind, BenchDirectory.sizeOf(path.resolve(kind.label())));
      }
      comparison.print(out);
      for (Path written : comparison.write(resultsDir)) {
        out.println("wrote " + written);
      }
      out.flush();
    }
    if (temporary) {
      if (comparing) {
        removeEngineDirs(path, engines);
      }
      BenchDirectory.remove(path);
    }
    return 0;
  }

  /** {@code --larger-than-memory}: each engine in its own subdirectory of the database directory. */
  private int runLargerThanMemory(BenchSettings settings, List<BenchEngine.Kind> engines)
      throws IOException, InterruptedException {
    LargerThanMemory mode = new LargerThanMemory(largerThanMemory, settings, compaction, engines, num, keySize,
        valueSize, threads, FIRST_SEED);
    try {
      mode.validate(rounds, !threadCounts.isEmpty());
    } catch (IllegalArgumentException e) {
      throw usageError(e.getMessage());
    }
    boolean temporary = dir == null;
    Path path = temporary ? BenchDirectory.createTemp(BenchDirectory.DEFAULT_BASE) : dir;
    try {
      mode.run(path, resultsDir, out());
    } finally {
      if (temporary) {
        removeEngineDirs(path, engines);
        BenchDirectory.remove(path);
      }
    }
    return 0;
  }

  /** Removes each engine's subdirectory of {@code path}, as made by a comparison. */
  private static void removeEngineDirs(Path path, List<BenchEngine.Kind> engines) throws IOException {
    for (BenchEngine.Kind kind : engines) {
      Path engineDir = path.resolve(kind.label());
      if (kind == BenchEngine.Kind.STRATADB) {
        BenchDirectory.destroy(engineDir);
        Files.deleteIfExists(engineDir);
      } else {
        BenchDirectory.removePeer(engineDir);
      }
    }
  }

  /** Empties (or creates) {@code dir} for a fresh database of {@code kind}. */
  static void resetEngineDir(BenchEngine.Kind kind, Path dir) throws IOException {
    reset(kind, dir, true);
  }

  /** Prepares {@code dir} for {@code kind}: emptied for a fresh database, else only created. */
  static void reset(BenchEngine.Kind kind, Path dir, boolean fresh) throws IOException {
    if (kind == BenchEngine.Kind.STRATADB) {
      if (fresh) {
        BenchDirectory.destroy(dir);
      }
      Files.createDirectories(dir);
    } else if (fresh || !Files.exists(dir)) {
      BenchDirectory.resetPeer(dir);
    }
  }

  private List<BenchEngine.Kind> parseEngines() {
    List<BenchEngine.Kind> engines = new ArrayList<>(List.of(BenchEngine.Kind.STRATADB));
    for (String name : compare) {
      if (name.isBlank()) {
        continue;
      }
      try {
        BenchEngine.Kind kind = BenchEngine.Kind.named(name);
        if (kind == BenchEngine.Kind.LMDB && !LmdbBenchEngine.missingOpens().isEmpty()) {
          throw new IllegalArgumentException(LmdbBenchEngine.missingOpens());
        }
        if (!engines.contains(kind)) {
          engines.add(kind);
        }
      } catch (IllegalArgumentException e) {
        throw usageError(e.getMessage());
      }
    }
    return engines;
  }

  private List<BenchWorkload> parseWorkloads() {
    List<BenchWorkload> list = new ArrayList<>();
    for (String name : benchmarks) {
      if (name.isBlank()) {
        continue;
      }
      try {
        list.add(BenchWorkload.named(name));
      } catch (IllegalArgumentException e) {
        throw usageError(e.getMessage() + "; known: " + DEFAULT_BENCHMARKS);
      }
    }
    if (list.isEmpty()) {
      throw usageError("--benchmarks names no benchmark");
    }
    return list;
  }

  private void validate() {
    if (num < 1) {
      throw usageError("--num must be at least 1, got " + num);
    }
    if (rounds < 1) {
      throw usageError("--rounds must be at least 1, got " + rounds);
    }
    if (threads < 1 || threads > num) {
      throw usageError("--threads must be between 1 and --num, got " + threads);
    }
    if (valueSize < 0) {
      throw usageError("--value-size must be >= 0, got " + valueSize);
    }
    if (!threadCounts.isEmpty()) {
      if (!compare.isEmpty() || threads != 1) {
        throw usageError("--thread-counts runs StrataDB alone at each count: drop --compare and --threads");
      }
      if (threadCounts.stream().distinct().count() != threadCounts.size() || threadCounts.size() < 2) {
        throw usageError("--thread-counts needs at least two different counts to compare, got " + threadCounts);
      }
      for (int count : threadCounts) {
        if (count < 1 || count > num) {
          throw usageError("--thread-counts must each be between 1 and --num, got " + count);
        }
      }
    }
    int fewestThreads = threadCounts.isEmpty() ? threads : threadCounts.stream().min(Integer::compare).orElseThrow();
    if (fewestThreads < 2 && benchmarks.stream().anyMatch(b -> b.strip().equalsIgnoreCase("readwhilewriting"))) {
      throw usageError("readwhilewriting needs at least 2 threads (one writer, the others readers)"
          + (threadCounts.isEmpty() ? "" : " at every --thread-counts count"));
    }
    if (txnKeys != null && (txnKeys < 1 || txnKeys > num)) {
      throw usageError("--txn-keys must be between 1 and --num, got " + txnKeys);
    }
    int needed = BenchKeys.digits(num - 1);
    if (keySize < needed) {
      throw usageError("--key-size must be at least " + needed + " to hold key " + (num - 1) + ", got " + keySize);
    }
  }

  /** The engine options; an out-of-range value is reported by the builder (exit code 1). */
  private Options options() {
    Options.Builder b = Options.builder();
    if (writeBufferSize != null) {
      b.writeBufferSize(writeBufferSize);
    }
    if (blockSize != null) {
      b.blockSize(blockSize);
    }
    if (targetFileSize != null) {
      b.targetFileSize(targetFileSize);
    }
    if (bloomBits != null) {
      b.bloomBitsPerKey(bloomBits);
    }
    if (cacheSize != null) {
      b.blockCacheSize(cacheSize);
    }
    if (compression != null) {
      b.compression(compression);
    }
    if (compaction != null) {
      b.compactionStrategy(CompactionStrategy.named(compaction));
    }
    if (memtableRep != null) {
      b.memtableRep(memtableRep);
    }
    return b.build();
  }

  /** Compaction stats, then space amplification: SSTable bytes over the live data's raw bytes. */
  private void printReport(PrintWriter out, Db db) {
    DbStats stats = db.stats();
    long live = 0;
    long liveBytes = 0;
    try (DbIterator it = db.scan(Bound.unbounded(), Bound.unbounded())) {
      for (; it.isValid(); it.next()) {
        live++;
        liveBytes += it.key().length + it.value().length;
      }
    }
    out.println("------------------------------------------------");
    out.print(stats.report());
    out.print(stats.operationsReport());
    out.printf("Live data:  %d keys, %.1f MB raw; SSTables %.1f MB; space amplification %.2f%n", live,
        liveBytes / 1048576.0, stats.totalTableBytes() / 1048576.0,
        liveBytes == 0 ? 0.0 : (double) stats.totalTableBytes() / liveBytes);
    out.flush();
  }

  /** The settings a comparison's files and chart record, so a result can be told from another run's. */
  private Map<String, Object> runSettings(Options options) {
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("num", num);
    run.put("keySize", keySize);
    run.put("valueSize", valueSize);
    run.put("threads", threads);
    run.put("compression", options.compression().name().toLowerCase(Locale.ROOT));
    run.put("compaction", compaction == null ? "leveled" : compaction);
    run.put("writeBufferSize", options.writeBufferSize());
    run.put("cacheSize", options.blockCacheSize());
    run.put("sync", sync);
    run.put("reopen", reopen);
    run.put("version", StrataVersion.version());
    return run;
  }

  private void printHeader(PrintWriter out, Options options, Path path, boolean temporary,
      List<BenchEngine.Kind> engines) {
    double rawMb = (double) (keySize + valueSize) * num / 1048576.0;
    out.printf("StrataDB:   version %s%n", StrataVersion.version());
    out.printf("Date:       %s%n", new Date());
    out.printf("CPU:        %d * %s, Java %s (%s)%n", Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.arch"), System.getProperty("java.version"), System.getProperty("java.vm.name"));
    out.printf("Keys:       %d bytes each%n", keySize);
    out.printf("Values:     %d bytes each (%d bytes after compression)%n", valueSize, valueSize / 2);
    out.printf("Entries:    %d%n", num);
    out.printf("RawSize:    %.1f MB (estimated)%n", rawMb);
    out.printf("FileSize:   %.1f MB (estimated)%n", (keySize + valueSize / 2.0) * num / 1048576.0);
    out.printf("Threads:    %s%n", threadCounts.isEmpty() ? threads
        : threadCounts.stream().map(String::valueOf).collect(Collectors.joining(",")) + ", interleaved per round");
    out.printf("Options:    write_buffer_size=%d block_size=%d bloom_bits=%d cache_size=%d compression=%s "
        + "compaction=%s memtable=%s sync=%s statistics=%s parallel_seek=%s%n", options.writeBufferSize(),
        options.blockSize(), options.bloomBitsPerKey(), options.blockCacheSize(),
        options.compression().name().toLowerCase(Locale.ROOT), options.compactionStrategy().name(),
        MemtableRepConverter.name(options.memtableRep()), sync, statistics, parallelSeek);
    out.printf("Database:   %s%s%n", path, temporary ? " (temporary, removed at the end)" : "");
    out.println(reopen
        ? "Mode:       --reopen: every engine is closed and reopened before every workload, interleaved"
        : "Mode:       each engine stays open from the fill to the reads, as an application keeps it (--reopen to "
            + "reopen before every workload)");
    if (engines.size() > 1) {
      out.printf("Engines:    %s, %s; equal write buffer, block size, bloom bits, block cache (%d bytes) and codec%n",
          String.join(", ", engines.stream().map(BenchEngine.Kind::label).toList()),
          reopen ? "interleaved per workload, each open to close alone" : "one after the other, each its whole list",
          options.blockCacheSize());
      if (engines.contains(BenchEngine.Kind.LEVELDB)) {
        out.printf("            leveldb (iq80 0.12): no bloom filter; codec %s%n",
            LevelDbBenchEngine.codec(options.compression()).name().toLowerCase(Locale.ROOT));
      }
      if (engines.contains(BenchEngine.Kind.LMDB)) {
        out.printf("            lmdb (lmdbjava): B+tree, no write buffer, cache or codec (OS page cache); one write "
            + "transaction per put%s; map %d bytes%n", sync ? "" : " (MDB_NOSYNC)",
            LmdbBenchEngine.mapBytes(LmdbBenchEngine.dataBytes(num, keySize, valueSize)));
      }
    }
    if (rounds > 1) {
      out.printf("Rounds:     %d, each the whole workload list as a single run (fill workloads start empty, same "
          + "seeds); the table reports medians%n", rounds);
    }
    if (BenchCommand.class.desiredAssertionStatus()) {
      out.println("WARNING: Assertions are enabled; benchmarks unnecessarily slow");
    }
    out.println("------------------------------------------------");
    out.flush();
  }

  /** Converts {@code snapshot|serializable} (any case) for picocli. Stateless; thread-safe. */
  static final class IsolationConverter implements ITypeConverter<IsolationLevel> {
    @Override
    public IsolationLevel convert(String value) {
      try {
        return IsolationLevel.valueOf(value.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException("expected snapshot or serializable, got '" + value + "'");
      }
    }
  }

  /** Converts {@code none|snappy|lz4|zstd} (any case) for picocli. Stateless; thread-safe. */
  static final class CompressionConverter implements ITypeConverter<Compression> {
    @Override
    public Compression convert(String value) {
      for (Compression c : Compression.values()) {
        if (c.name().equalsIgnoreCase(value)) {
          return c;
        }
      }
      throw new TypeConversionException("expected none, snappy, lz4 or zstd but was '" + value + "'");
    }
  }

  /** Reads {@code bplus-tree} or {@code skiplist}, in any case. */
  static final class MemtableRepConverter implements ITypeConverter<MemtableRep> {
    @Override
    public MemtableRep convert(String value) {
      for (MemtableRep rep : MemtableRep.values()) {
        if (name(rep).equalsIgnoreCase(value)) {
          return rep;
        }
      }
      throw new TypeConversionException("expected bplus-tree or skiplist but was '" + value + "'");
    }

    /** The option's spelling of {@code rep}: lower case, words joined by '-'. */
    static String name(MemtableRep rep) {
      return rep.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }
}
