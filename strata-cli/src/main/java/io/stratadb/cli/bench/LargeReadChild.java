package io.stratadb.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stratadb.CompactionStrategy;
import io.stratadb.Compression;
import io.stratadb.DbIterator;
import io.stratadb.Options;
import io.stratadb.ReadMode;
import io.stratadb.ReadPathOptions;
import io.stratadb.TableLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The reading JVM of {@code strata bench --larger-than-memory}: opens one engine's filled
 * database and runs one read phase ({@code readrandom}: a get of a uniformly random key; {@code
 * seekrandom}: a new iterator, a seek to a random key and {@value BenchWorkload#NEXTS_PER_SEEK}
 * nexts) on {@code --threads} threads until each did {@code num / threads} operations or the
 * duration ran out, timing each operation. Prints one line {@value #RESULT} followed by the
 * {@link LargePhaseResult} as JSON, and one line {@value #HELD} with the count and bytes of
 * deleted database files it still held at the end ({@link DeletedFiles}); exits with 0, or 1
 * with the error on stderr. Started by {@link LargeReadPhase}, in a memory cgroup when it can.
 */
@Command(name = "strata-bench-reader", mixinStandardHelpOptions = false)
final class LargeReadChild implements Callable<Integer> {
  /** Prefix of the result line on stdout. */
  static final String RESULT = "RESULT ";
  /** Prefix of the held-files line on stdout. */
  static final String HELD = "HELD ";

  @Option(names = "--engine", required = true) String engine;
  @Option(names = "--dir", required = true) Path dir;
  @Option(names = "--workload", required = true) String workload;
  @Option(names = "--num", required = true) long num;
  @Option(names = "--key-size", required = true) int keySize;
  @Option(names = "--threads", required = true) int threads;
  @Option(names = "--duration-ms", required = true) long durationMs;
  @Option(names = "--seed", required = true) long seed;
  @Option(names = "--write-buffer-size", required = true) long writeBufferSize;
  @Option(names = "--block-size", required = true) int blockSize;
  @Option(names = "--bloom-bits", required = true) int bloomBits;
  @Option(names = "--cache-size", required = true) long cacheSize;
  @Option(names = "--compression", required = true) Compression compression;
  /** The fill's compaction output size, so the reader's own compactions cut tables alike; 0 for each engine's own. */
  @Option(names = "--target-file-size") long targetFileSize;
  @Option(names = "--compaction") String compaction;
  @Option(names = "--memtable-rep", converter = BenchCommand.MemtableRepConverter.class)
  io.stratadb.MemtableRep memtableRep;
  @Option(names = "--parallel-seek") boolean parallelSeek;
  @Option(names = "--read-mode") ReadMode readMode;
  @Option(names = "--direct-reads") boolean directReads;
  @Option(names = "--readahead-size") Long readaheadSize;
  @Option(names = "--block-align") boolean blockAlign;
  @Option(names = "--block-cache-on-heap") boolean blockCacheOnHeap;
  @Option(names = "--buffered-reads") boolean bufferedReads;
  @Option(names = "--strata-read-only") boolean readOnly;
  /** StrataDB's block cache, if not {@link #cacheSize}. */
  @Option(names = "--strata-cache-size") Long strataCacheSize;

  /** Entry point of the reading JVM; see the class comment for its output. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new LargeReadChild()).execute(args));
  }

  /** The arguments that make a child read {@code workload} as described; the inverse of its options. */
  static List<String> arguments(BenchEngine.Kind kind, Path dir, String workload, long num, int keySize,
      int threads, long durationMs, long seed, BenchSettings s, String compaction) {
    List<String> args = new ArrayList<>(List.of("--engine", kind.label(), "--dir", dir.toString(),
        "--workload", workload, "--num", Long.toString(num), "--key-size", Integer.toString(keySize),
        "--threads", Integer.toString(threads), "--duration-ms", Long.toString(durationMs),
        "--seed", Long.toString(seed), "--write-buffer-size", Long.toString(s.writeBufferSize()),
        "--block-size", Integer.toString(s.blockSize()), "--bloom-bits", Integer.toString(s.bloomBitsPerKey()),
        "--cache-size", Long.toString(s.blockCacheSize()), "--compression", s.compression().name(),
        "--memtable-rep", BenchCommand.MemtableRepConverter.name(s.memtableRep()),
        "--target-file-size", Long.toString(s.targetFileSize())));
    if (compaction != null) {
      args.addAll(List.of("--compaction", compaction));
    }
    if (s.parallelSeek()) {
      args.add("--parallel-seek");
    }
    return args;
  }

  @Override
  public Integer call() throws Exception {
    Options defaults = Options.defaults();
    BenchEngine.Kind kind = BenchEngine.Kind.named(engine);
    long cache = kind == BenchEngine.Kind.STRATADB && strataCacheSize != null ? strataCacheSize : cacheSize;
    BenchSettings settings = new BenchSettings(writeBufferSize, blockSize, bloomBits, cache, compression,
        compaction == null ? defaults.compactionStrategy() : CompactionStrategy.named(compaction),
        memtableRep == null ? defaults.memtableRep() : memtableRep, false, false, parallelSeek, targetFileSize);
    boolean seeks = switch (workload) {
      case "readrandom" -> false;
      case "seekrandom" -> true;
      default -> throw new IllegalArgumentException("unknown read phase '" + workload + "'");
    };
    LargePhaseResult result;
    // StrataDB's reader holds data blocks, index and filter blocks and memtables within --cache-size.
    try (BenchEngine db = kind == BenchEngine.Kind.STRATADB
        ? StrataBenchEngine.open(dir, settings, onHeap(strataOptions(StrataBenchEngine.withinCache(settings), readMode,
            directReads, !bufferedReads, readaheadSize, blockAlign), blockCacheOnHeap), readOnly)
        : kind.open(dir, settings)) {
      result = read(db, seeks);
    }
    System.out.println(RESULT + new ObjectMapper().writeValueAsString(result));
    DeletedFiles.Held held = DeletedFiles.scan(ProcessHandle.current().pid(), dir);
    System.out.println(HELD + held.files().size() + " " + held.bytes());
    System.out.flush();
    return 0;
  }

  /**
   * StrataDB's options: {@code base} with the read and table-layout options of {@code bench
   * --larger-than-memory} ({@code readMode} and {@code readaheadBytes} null to keep {@code base}'s;
   * {@code autoDirectReads} false for {@code --buffered-reads}).
   *
   * @throws IllegalArgumentException if they are out of range or do not go together (direct reads
   *     with {@link ReadMode#MMAP})
   */
  static Options strataOptions(Options base, ReadMode readMode, boolean directReads, boolean autoDirectReads,
      Long readaheadBytes, boolean blockAlign) {
    ReadPathOptions.Builder r = base.readPath().toBuilder().useDirectReads(directReads).autoDirectReads(autoDirectReads);
    if (readMode != null) {
      r.readMode(readMode);
    }
    if (readaheadBytes != null) {
      r.maxAutoReadaheadSize((int) Math.min(Integer.MAX_VALUE, readaheadBytes));
    }
    return base.toBuilder().readPath(r.build())
        .tableLayout(TableLayout.builder().alignDataBlocks(blockAlign).build()).build();
  }

  /** {@code options} with the block cache's data blocks on the heap if {@code onHeap} (MemoryBudget.blockCacheOffHeap). */
  private static Options onHeap(Options options, boolean onHeap) {
    return !onHeap ? options : options.toBuilder()
        .memoryBudget(options.memoryBudget().toBuilder().blockCacheOffHeap(false).build()).build();
  }

  /** Runs the phase on {@code threads} threads, released together; merges their counts and histograms. */
  private LargePhaseResult read(BenchEngine db, boolean seeks) throws InterruptedException {
    long perThread = num / threads;
    long[] done = new long[threads];
    long[] found = new long[threads];
    long[] start = new long[threads];
    long[] end = new long[threads];
    long[] threadRead = new long[threads];
    List<Histogram> histograms = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long readBefore = IoCounters.readBytes();
    long deadline = System.nanoTime() + durationMs * 1_000_000L;
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        Histogram h = LargePhaseResult.histogram();
        histograms.add(h);
        futures.add(pool.submit(() -> {
          SplittableRandom random = new SplittableRandom(seed + id);
          long readStart = IoCounters.threadReadBytes();
          start[id] = System.nanoTime();
          long now = start[id];
          for (long i = 0; i < perThread && now < deadline; i++) {
            byte[] key = BenchKeys.key(random.nextLong(num), keySize);
            boolean hit = seeks ? seek(db, key) : db.get(key) != null;
            long after = System.nanoTime();
            h.recordValue(after - now);
            now = after;
            done[id]++;
            found[id] += hit ? 1 : 0;
          }
          end[id] = now;
          long readEnd = IoCounters.threadReadBytes();
          threadRead[id] = readStart < 0 || readEnd < 0 ? -1 : readEnd - readStart;
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException(workload + " on " + engine + " failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
    long readAfter = IoCounters.readBytes();
    Histogram all = LargePhaseResult.histogram();
    histograms.forEach(all::add);
    double seconds = (Arrays.stream(end).max().orElse(0) - Arrays.stream(start).min().orElse(0)) / 1e9;
    return LargePhaseResult.of(workload, engine, threads, Arrays.stream(done).sum(), Arrays.stream(found).sum(),
        seconds, all, Arrays.stream(threadRead).anyMatch(b -> b < 0) ? -1 : Arrays.stream(threadRead).sum(),
        readBefore < 0 || readAfter < 0 ? -1 : readAfter - readBefore);
  }

  /** A new iterator, a seek to {@code target} and up to 10 nexts; whether the seek landed on it. */
  private static boolean seek(BenchEngine db, byte[] target) {
    try (DbIterator it = db.newCursor()) {
      it.seek(target);
      boolean hit = it.isValid() && Arrays.equals(it.key(), target);
      for (int j = 0; j < BenchWorkload.NEXTS_PER_SEEK && it.isValid(); j++) {
        it.value();
        it.next();
      }
      return hit;
    }
  }
}
