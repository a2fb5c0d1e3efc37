package io.stratadb.admin;

import io.stratadb.CorruptionException;
import io.stratadb.Options;
import io.stratadb.StrataIOException;
import io.stratadb.compaction.TableSink;
import io.stratadb.env.FileSystem;
import io.stratadb.env.ReadableFile;
import io.stratadb.env.WritableFile;
import io.stratadb.iterator.InternalIterator;
import io.stratadb.iterator.MergingIterator;
import io.stratadb.key.InternalKey;
import io.stratadb.key.ValueType;
import io.stratadb.manifest.FileMetadata;
import io.stratadb.manifest.FileNames;
import io.stratadb.manifest.VersionEdit;
import io.stratadb.manifest.VersionSet;
import io.stratadb.memtable.Memtable;
import io.stratadb.sstable.TableReader;
import io.stratadb.record.LogReader;
import io.stratadb.record.LogWriter;
import io.stratadb.wal.WalBatch;
import io.stratadb.wal.WalSequence;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Salvages what is readable from a damaged database and makes it open again (LevelDB's {@code
 * db/repair.cc} {@code RepairDB}). Nothing is trusted but checksums and sequence numbers:
 *
 * <ol>
 *   <li>every WAL is read with a salvaging reader: damaged records are skipped (and reported), the
 *       others applied to a memtable, up to where writes made without the WAL were lost (as recovery
 *       stops there, see {@code replayWal});
 *   <li>every SSTable is scanned block by block: blocks failing their checksum, decompression or
 *       entry checks are dropped (and reported); a table whose footer, index or filter is damaged
 *       is dropped whole;
 *   <li>all of it is merged in internal-key order, and the newest version of each key that is not
 *       a tombstone is written to new tables at level 1 (split at {@code targetFileSize});
 *   <li>a new manifest lists exactly those tables, with log number 0 and the highest sequence
 *       number seen;
 *   <li>every old manifest, WAL and table (damaged or not) is moved into {@code lost/}, with a copy
 *       of the old {@code CURRENT}: nothing is deleted;
 *   <li>{@code CURRENT} is switched to the new manifest (atomically).
 * </ol>
 *
 * <p>Why rewrite everything where LevelDB keeps intact tables and lists them all in L0: reads of L0
 * trust the order of table numbers, and a table kept from a deep level (or rewritten from a damaged
 * one) does not have a number that places it correctly against the others, so an older version
 * could win. Merging by internal key lets sequence numbers alone decide. The price is rewriting the
 * database and keeping the old files in {@code lost/} (about twice its size on disk until {@code
 * lost/} is removed), and holding every table open during the merge.
 *
 * <p>What repair cannot bring back: entries in dropped blocks and records. If the newest version of
 * a key was dropped, an older version (or, for a dropped tombstone, the deleted value) becomes
 * visible again, as with LevelDB's repair. {@code strata verify} first tells whether repair is
 * needed.
 *
 * <p>Crash safety: the new tables and manifest are fsynced before anything is moved, and {@code
 * CURRENT} is switched last; a crash in between leaves a database that fails to open, and running
 * repair again completes it (the new tables written so far hold everything salvaged). Takes the
 * database's {@code LOCK}, so it fails while the database is open. Stateless; thread-safe.
 */
final class DbRepairer {
  private DbRepairer() {}

  /** Subdirectory of the database directory receiving the replaced files. */
  public static final String LOST_DIR = FileNames.LOST_DIR;

  /**
   * Repairs the database in {@code dir}. The new tables use {@code options}' block size, restart
   * interval, bloom bits, level-1 compression and target file size, through its file system.
   *
   * @return what was salvaged, dropped and moved
   * @throws IllegalArgumentException if {@code dir} holds no database files
   * @throws StrataIOException if the database is locked (open) or a file operation fails
   */
  public static RepairReport repair(Path dir, Options options) {
    FileSystem fs = options.fileSystem();
    if (!fs.exists(dir)) {
      throw new IllegalArgumentException("no database at " + dir + " (the directory does not exist)");
    }
    if (!hasDatabaseFiles(fs, dir)) { // before locking, which would create a LOCK file
      throw new IllegalArgumentException("no database in " + dir + " (no CURRENT, manifest, WAL or SSTable)");
    }
    AutoCloseable lock;
    try {
      lock = fs.lock(FileNames.lock(dir));
    } catch (IOException e) {
      throw new StrataIOException("cannot lock " + dir + " (is the database open?)", e);
    }
    try {
      return new Run(fs, dir, options).run();
    } catch (IOException e) {
      throw new StrataIOException("repair of " + dir + " failed", e);
    } finally {
      try {
        lock.close();
      } catch (Exception e) {
        org.slf4j.LoggerFactory.getLogger(DbRepairer.class).warn("releasing the lock of {} failed", dir, e);
      }
    }
  }

  private static boolean hasDatabaseFiles(FileSystem fs, Path dir) {
    try {
      for (String name : fs.listFileNames(dir)) {
        FileNames.Parsed parsed = FileNames.parse(name);
        if (parsed != null && parsed.kind() != FileNames.Kind.LOCK && parsed.kind() != FileNames.Kind.TEMP) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      throw new StrataIOException("cannot list " + dir, e);
    }
  }

  /** One repair; not thread-safe. */
  private static final class Run {
    private final FileSystem fs;
    private final Path dir;
    private final Options options;
    private final List<Finding> damage = new ArrayList<>();
    private final List<Finding> warnings = new ArrayList<>();
    private final List<String> moved = new ArrayList<>();
    private long maxSequence;
    private int walsRead;
    private long walBatches;
    private int tablesRead;
    private int tablesDamaged;
    private long blocksDropped;
    /** The highest sequence number in the salvaged tables. */
    private long tablesMaxSequence;
    /** The sequence numbers of the WAL records applied since the last damaged one, across WALs. */
    private WalSequence walSequence = new WalSequence();
    /** Set at a WAL record after lost writes: nothing more is applied. */
    private boolean walsStopped;

    Run(FileSystem fs, Path dir, Options options) {
      this.fs = fs;
      this.dir = dir;
      this.options = options;
    }

    RepairReport run() throws IOException {
      TreeSet<Long> tables = new TreeSet<>();
      TreeSet<Long> logs = new TreeSet<>();
      List<String> manifests = new ArrayList<>();
      boolean hasCurrent = false;
      long maxNumber = 1;
      for (String name : fs.listFileNames(dir)) {
        FileNames.Parsed parsed = FileNames.parse(name);
        if (parsed == null) {
          continue;
        }
        maxNumber = Math.max(maxNumber, parsed.number());
        switch (parsed.kind()) {
          case TABLE -> tables.add(parsed.number());
          case LOG -> logs.add(parsed.number());
          case MANIFEST -> manifests.add(name);
          case CURRENT -> hasCurrent = true;
          default -> { }
        }
      }
      if (tables.isEmpty() && logs.isEmpty() && manifests.isEmpty() && !hasCurrent) {
        throw new IllegalArgumentException("no database in " + dir + " (no CURRENT, manifest, WAL or SSTable)");
      }
      AtomicLong nextNumber = new AtomicLong(maxNumber + 1);

      List<InternalIterator> sources = new ArrayList<>();
      Memtable recovered = new Memtable(0);
      try {
        for (long table : tables.descendingSet()) {
          InternalIterator source = salvageTable(table);
          if (source != null) {
            sources.add(source);
          }
        }
        tablesMaxSequence = maxSequence; // before the WALs: which of their gaps tables hold (replayWal)
        for (long log : logs) {
          replayWal(log, recovered);
        }
      } catch (IOException | RuntimeException e) {
        sources.forEach(InternalIterator::close);
        throw e;
      }
      sources.add(0, recovered.iterator()); // newest first: ties between equal keys go to it
      TableSink sink = new TableSink(fs, dir, new TableSink.TableSettings(options.blockSize(),
          options.blockRestartInterval(), options.bloomBitsPerKey(), options.compressionForLevel(1),
          options.tableLayout().alignDataBlocks()),
          nextNumber::getAndIncrement, options.targetFileSize());
      List<FileMetadata> outputs;
      long entries = 0;
      try (MergingIterator it = new MergingIterator(sources)) {
        byte[] lastUserKey = null;
        for (it.seekToFirst(); it.isValid(); it.next()) {
          byte[] ikey = it.key();
          if (lastUserKey != null && InternalKey.compareUserKey(ikey, lastUserKey) == 0) {
            continue; // an older version of a key already decided
          }
          lastUserKey = InternalKey.userKey(ikey);
          if (InternalKey.type(ikey) == ValueType.DELETE) {
            continue; // nothing older survives the merge, so the tombstone has nothing left to hide
          }
          sink.add(ikey, it.value());
          entries++;
        }
        outputs = sink.finish();
      } catch (IOException | RuntimeException e) {
        sink.abandon(e);
        throw e;
      }

      long manifestNumber = nextNumber.getAndIncrement();
      VersionEdit edit = new VersionEdit().comparatorName(VersionEdit.COMPARATOR_NAME).logNumber(0)
          .lastSequence(maxSequence);
      List<Long> newTables = new ArrayList<>();
      for (FileMetadata f : outputs) {
        edit.addFile(1, f);
        newTables.add(f.number());
      }
      edit.nextFileNumber(nextNumber.get());
      try (LogWriter writer = new LogWriter(fs.newWritableFile(FileNames.manifest(dir, manifestNumber)))) {
        writer.addRecord(edit.encode());
        writer.sync();
      }

      Path lost = dir.resolve(LOST_DIR);
      fs.createDirectories(lost);
      if (hasCurrent) {
        copyToLost(FileNames.current(dir), lost);
      }
      for (String manifest : manifests) {
        moveToLost(dir.resolve(manifest), lost);
      }
      for (long log : logs) {
        moveToLost(FileNames.log(dir, log), lost);
      }
      for (long table : tables) {
        moveToLost(FileNames.table(dir, table), lost);
      }
      fs.syncDirectory(lost);
      fs.syncDirectory(dir);
      VersionSet.writeCurrentFile(fs, dir, manifestNumber);
      return new RepairReport(damage, warnings, walsRead, walBatches, tablesRead, tablesDamaged, blocksDropped,
          entries, newTables, manifestNumber, maxSequence, moved);
    }

    /**
     * Applies every readable batch of WAL {@code number} to {@code memtable}, up to a record that
     * does not continue the sequence numbers of the one before it (in this WAL or an older one),
     * as recovery does ({@link WalSequence}): writes made without the WAL were lost there, and what
     * followed them would make a state the database never was in. A gap whose numbers the tables
     * reach is not a loss (the memtable holding them was flushed) and replay goes on.
     */
    private void replayWal(long number, Memtable memtable) throws IOException {
      Path path = FileNames.log(dir, number);
      String name = path.toString();
      walsRead++;
      try (ReadableFile file = fs.openReadable(path);
          LogReader reader = new LogReader(file, name, (offset, length, reason) -> walDamaged(
              new Finding(name, offset, "WAL record damaged (" + reason + "): " + length + " bytes dropped")))) {
        byte[] record;
        while (!walsStopped && (record = reader.readRecord()) != null) {
          long gap = walSequence.gapBefore(record);
          if (gap < 0 || gap > 0 && WalSequence.firstSequence(record) - 1 > tablesMaxSequence) {
            warnings.add(new Finding(name, reader.lastRecordOffset(), "sequence " + WalSequence.firstSequence(record)
                + " follows " + walSequence.last() + " (writes made without the WAL were lost): this record, the"
                + " rest of this WAL and later WALs are not applied, as recovery would not replay them"));
            walsStopped = true;
            break;
          }
          try {
            long last = WalBatch.decode(record, name, reader.lastRecordOffset(),
                (seq, type, key, value) -> memtable.add(seq, type, key, value));
            maxSequence = Math.max(maxSequence, last);
            walSequence.replayed(last);
            walBatches++;
          } catch (CorruptionException e) {
            walDamaged(Finding.of(e));
          }
        }
        if (reader.droppedTailOffset() >= 0) {
          warnings.add(new Finding(name, reader.droppedTailOffset(), "torn tail of "
              + (file.size() - reader.droppedTailOffset()) + " bytes dropped"));
        }
      }
    }

    /**
     * Records a damaged WAL record. Its sequence numbers are unknown, so the gap it leaves is not
     * taken for lost writes made without the WAL: salvage goes on after it, as before.
     */
    private void walDamaged(Finding finding) {
      damage.add(finding);
      walSequence = new WalSequence();
    }

    /** An iterator over the good blocks of table {@code number}, or null if it cannot be opened. */
    private InternalIterator salvageTable(long number) {
      Path path = FileNames.table(dir, number);
      tablesRead++;
      TableReader reader;
      try {
        reader = TableReader.open(fs, path, number);
      } catch (CorruptionException e) {
        damage.add(Finding.of(e));
        damage.add(new Finding(path.toString(), -1, "footer, index or filter damaged: the whole table is dropped"));
        tablesDamaged++;
        return null;
      }
      try {
        TableScan.Result scan = TableScan.scan(reader, path.toString());
        damage.addAll(scan.problems());
        if (!scan.problems().isEmpty()) {
          tablesDamaged++;
        }
        blocksDropped += scan.badBlocks();
        maxSequence = Math.max(maxSequence, scan.maxSequence());
        return new SalvagedTableIterator(reader, scan.goodBlocks());
      } catch (RuntimeException e) {
        reader.release();
        throw e;
      }
    }

    private void moveToLost(Path file, Path lost) throws IOException {
      Path target = unique(lost, file.getFileName().toString());
      fs.rename(file, target);
      moved.add(target.getFileName().toString());
    }

    private void copyToLost(Path file, Path lost) throws IOException {
      Path target = unique(lost, file.getFileName().toString());
      try (ReadableFile in = fs.openReadable(file); WritableFile out = fs.newWritableFile(target)) {
        byte[] content = new byte[(int) Math.min(in.size(), 1 << 20)];
        int n = in.read(0, content, 0, content.length);
        out.append(content, 0, n);
        out.sync();
      }
      moved.add(target.getFileName().toString());
    }

    /** {@code lost/name}, or {@code lost/name.N} if an earlier repair left a file of that name. */
    private Path unique(Path lost, String name) {
      Path target = lost.resolve(name);
      for (int i = 1; fs.exists(target); i++) {
        target = lost.resolve(name + "." + i);
      }
      return target;
    }
  }
}
