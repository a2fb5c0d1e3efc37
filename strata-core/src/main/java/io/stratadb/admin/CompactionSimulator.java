package io.stratadb.admin;

import io.stratadb.CompactionStrategy;
import io.stratadb.compaction.CompactionPicker;
import io.stratadb.compaction.CompactionTask;
import io.stratadb.key.InternalKey;
import io.stratadb.key.ValueType;
import io.stratadb.manifest.FileMetadata;
import io.stratadb.manifest.Version;
import io.stratadb.manifest.VersionEdit;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Runs a compaction strategy's real picker (the engine's code choosing compactions) on a synthetic workload without
 * writing any data (mini-lsm's compaction simulator): each step flushes a memtable of random keys
 * from a fixed key space as one L0 table, then runs the picker's tasks until the tree is in shape.
 * Tables are modelled by the exact set of keys they hold (a {@link BitSet}), so merges drop
 * overwritten keys exactly and the simulator reports true write and space amplification.
 *
 * <p>Simplifications: no deletes, one compaction at a time, every entry the same size. Not
 * thread-safe.
 */
public final class CompactionSimulator {

  /**
   * The tree after one step.
   *
   * @param step 1-based step number
   * @param tasks compactions run during the step
   * @param filesPerLevel tables per level
   * @param bytesPerLevel bytes per level
   * @param writeAmplification bytes written by flushes and compactions / bytes flushed
   * @param spaceAmplification bytes in all tables / bytes of the distinct live keys
   */
  public record Step(int step, int tasks, int[] filesPerLevel, long[] bytesPerLevel,
      double writeAmplification, double spaceAmplification) {

    /**
     * One line: step, tasks, files and MB per non-empty level, amplifications.
     *
     * @return e.g. {@code "step    10  tasks  2  L0:3/1.2MB L1:4/8.0MB  W-Amp 1.80  S-Amp 1.10"}
     */
    public String format() {
      StringBuilder sb = new StringBuilder(String.format("step %5d  tasks %2d ", step, tasks));
      for (int level = 0; level < filesPerLevel.length; level++) {
        if (filesPerLevel[level] > 0) {
          sb.append(String.format(" L%d:%d/%.1fMB", level, filesPerLevel[level], bytesPerLevel[level] / 1048576.0));
        }
      }
      return sb.append(String.format("  W-Amp %.2f  S-Amp %.2f", writeAmplification, spaceAmplification)).toString();
    }
  }

  private final CompactionPicker picker;
  private final int keySpace;
  private final int entriesPerFlush;
  private final int entryBytes;
  private final int entriesPerTable;
  private final Random random;
  private final Map<Long, BitSet> keysOf = new HashMap<>();
  private final BitSet liveKeys = new BitSet();
  private Version version = Version.detached(List.of());
  private long nextNumber = 1;
  private long sequence = 1;
  private long flushedBytes;
  private long writtenBytes;
  private int steps;

  /**
   * Creates a simulator with an empty tree.
   *
   * @param strategy the strategy to simulate
   * @param keySpace number of distinct keys the workload writes
   * @param entriesPerFlush entries per flushed memtable
   * @param entryBytes bytes per entry (key + value + overhead)
   * @param targetFileBytes compaction output table size, in bytes
   * @param seed random seed
   * @throws IllegalArgumentException if a size is not positive or a table cannot hold one entry
   */
  public CompactionSimulator(CompactionStrategy strategy, int keySpace, int entriesPerFlush, int entryBytes,
      long targetFileBytes, long seed) {
    if (keySpace < 1 || entriesPerFlush < 1 || entryBytes < 1 || targetFileBytes < entryBytes) {
      throw new IllegalArgumentException("simulation sizes must be positive, and a table must hold an entry");
    }
    this.picker = CompactionPicker.of(strategy);
    this.keySpace = keySpace;
    this.entriesPerFlush = entriesPerFlush;
    this.entryBytes = entryBytes;
    this.entriesPerTable = (int) Math.max(1, targetFileBytes / entryBytes);
    this.random = new Random(seed);
  }

  /**
   * Flushes one memtable and compacts until the picker has nothing to do.
   *
   * @return the tree after the step
   */
  public Step step() {
    BitSet flushed = new BitSet(keySpace);
    for (int i = 0; i < entriesPerFlush; i++) {
      flushed.set(random.nextInt(keySpace));
    }
    liveKeys.or(flushed);
    FileMetadata table = table(flushed);
    flushedBytes += table.size();
    writtenBytes += table.size();
    version = version.detachedApply(new VersionEdit().addFile(0, table));
    int tasks = 0;
    CompactionTask task;
    while ((task = picker.pick(version, Set.of(), Set.of())) != null && tasks < 10_000) {
      run(task);
      tasks++;
    }
    steps++;
    int[] files = new int[Version.NUM_LEVELS];
    long[] bytes = new long[Version.NUM_LEVELS];
    long total = 0;
    for (int level = 0; level < Version.NUM_LEVELS; level++) {
      files[level] = version.files(level).size();
      bytes[level] = version.levelBytes(level);
      total += bytes[level];
    }
    long live = (long) liveKeys.cardinality() * entryBytes;
    return new Step(steps, tasks, files, bytes, (double) writtenBytes / flushedBytes, (double) total / live);
  }

  private void run(CompactionTask task) {
    VersionEdit edit = new VersionEdit();
    if (task.trivialMove()) {
      FileMetadata f = task.inputs().get(0).files().get(0);
      version = version.detachedApply(edit.deleteFile(task.inputs().get(0).level(), f.number())
          .addFile(task.outputLevel(), f));
      return;
    }
    BitSet merged = new BitSet(keySpace);
    for (CompactionTask.LevelInputs level : task.inputs()) {
      for (FileMetadata f : level.files()) {
        merged.or(keysOf.remove(f.number()));
        edit.deleteFile(level.level(), f.number());
      }
    }
    // A merge into L0 writes one table, as the engine does (see TieredPicker).
    int perTable = task.outputLevel() == 0 ? Integer.MAX_VALUE : entriesPerTable;
    BitSet current = new BitSet(keySpace);
    int count = 0;
    for (int key = merged.nextSetBit(0); key >= 0; key = merged.nextSetBit(key + 1)) {
      current.set(key);
      if (++count == perTable) {
        addOutput(edit, task.outputLevel(), current);
        current = new BitSet(keySpace);
        count = 0;
      }
    }
    if (count > 0) {
      addOutput(edit, task.outputLevel(), current);
    }
    version = version.detachedApply(edit);
  }

  private void addOutput(VersionEdit edit, int level, BitSet keys) {
    FileMetadata table = table(keys);
    writtenBytes += table.size();
    edit.addFile(level, table);
  }

  private FileMetadata table(BitSet keys) {
    long number = nextNumber++;
    keysOf.put(number, keys);
    long seq = sequence++;
    return new FileMetadata(number, (long) keys.cardinality() * entryBytes,
        InternalKey.encode(userKey(keys.nextSetBit(0)), seq, ValueType.PUT),
        InternalKey.encode(userKey(keys.previousSetBit(keySpace)), seq, ValueType.PUT));
  }

  private static byte[] userKey(int key) {
    return new byte[] {(byte) (key >>> 24), (byte) (key >>> 16), (byte) (key >>> 8), (byte) key};
  }

  /**
   * Runs {@code steps} more steps.
   *
   * @param steps the number of flushes
   * @return the tree after each of them, in order
   */
  public List<Step> run(int steps) {
    List<Step> out = new ArrayList<>();
    for (int i = 0; i < steps; i++) {
      out.add(step());
    }
    return out;
  }
}
