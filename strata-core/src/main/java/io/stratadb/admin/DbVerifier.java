package io.stratadb.admin;

import io.stratadb.CorruptionException;
import io.stratadb.StrataIOException;
import io.stratadb.env.FileSystem;
import io.stratadb.env.LocalFileSystem;
import io.stratadb.env.ReadableFile;
import io.stratadb.key.InternalKey;
import io.stratadb.manifest.FileMetadata;
import io.stratadb.manifest.FileNames;
import io.stratadb.manifest.VersionEdit;
import io.stratadb.sstable.TableReader;
import io.stratadb.record.LogReader;
import io.stratadb.wal.WalBatch;
import io.stratadb.wal.WalSequence;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks every checksum and format rule of a database's files without opening it (RocksDB's {@code
 * ldb checkconsistency} and {@code sst_dump --command=verify}, LevelDB's {@code leveldb::VerifyTable}
 * applied to a whole database): {@code CURRENT}; every record of the manifest it names, and that
 * the live tables and the WAL named by its log number exist; every live SSTable (footer, index and
 * filter checksums, every data block's checksum and decompression, its entries, key order across
 * the table, the bloom filter, and size and key range against the manifest); every record of every
 * WAL recovery would replay. Unlike recovery, it does not stop at the first damage: it reports
 * every damaged record and block, with the file and offset. Where recovery would stop replay at a
 * WAL record that does not continue the sequence numbers (writes made without the WAL were lost
 * before it), it warns, naming the WAL and offset.
 *
 * <p>When {@code CURRENT} or the manifest is damaged, the live set is unknown, so every table and
 * WAL in the directory is checked.
 *
 * <p>Nothing is written and the {@code LOCK} is not taken: verify a closed database. Run against a
 * database another process has open, it may report a torn WAL tail (an append in progress) or a
 * missing table (deleted by a compaction meanwhile). Stateless; thread-safe.
 */
final class DbVerifier {
  private DbVerifier() {}

  /**
   * Verifies the database in {@code dir} on the local file system.
   *
   * @throws IllegalArgumentException if {@code dir} is not a directory
   * @throws StrataIOException if a file cannot be listed or read
   */
  public static VerifyReport verify(Path dir) {
    return verify(LocalFileSystem.INSTANCE, dir);
  }

  /**
   * Verifies the database in {@code dir}, reading through {@code fs}.
   *
   * @return what was checked and every problem found
   * @throws IllegalArgumentException if {@code dir} does not exist
   * @throws StrataIOException if a file cannot be listed or read
   */
  public static VerifyReport verify(FileSystem fs, Path dir) {
    if (!fs.exists(dir)) {
      throw new IllegalArgumentException("no database at " + dir + " (the directory does not exist)");
    }
    return new Run(fs, dir).run();
  }

  /** What the manifest says is live. */
  private record LiveSet(Map<Long, FileMetadata> tables, Map<Long, Integer> levels, Map<Long, Long> addedAt,
      long logNumber, long logNumberAt) {}

  /** One verification; not thread-safe. */
  private static final class Run {
    private final FileSystem fs;
    private final Path dir;
    private final List<Finding> damage = new ArrayList<>();
    private final List<Finding> warnings = new ArrayList<>();
    private long manifestRecords;
    private int tables;
    private long dataBlocks;
    private int wals;
    private long walRecords;
    private long bytes;
    /** The sequence numbers of the WAL records read since the last damaged one, across WALs. */
    private WalSequence walSequence = new WalSequence();
    /** Whether to report where recovery stops at lost writes (only for the WALs recovery replays). */
    private boolean findWalGaps;
    private boolean walGapFound;

    Run(FileSystem fs, Path dir) {
      this.fs = fs;
      this.dir = dir;
    }

    VerifyReport run() {
      List<String> names;
      try {
        names = fs.listFileNames(dir);
      } catch (IOException e) {
        throw new StrataIOException("cannot list " + dir, e);
      }
      TreeSet<Long> tablesPresent = new TreeSet<>();
      TreeSet<Long> logsPresent = new TreeSet<>();
      for (String name : names) {
        FileNames.Parsed parsed = FileNames.parse(name);
        if (parsed != null && parsed.kind() == FileNames.Kind.TABLE) {
          tablesPresent.add(parsed.number());
        } else if (parsed != null && parsed.kind() == FileNames.Kind.LOG) {
          logsPresent.add(parsed.number());
        }
      }
      String manifest = checkCurrent();
      LiveSet live = manifest == null ? null : replayManifest(manifest);
      if (live == null) {
        warnings.add(new Finding(dir.toString(), -1,
            "the live set is unknown: checking every table and WAL in the directory"));
        for (long number : tablesPresent) {
          checkTable(number, null, -1, null);
        }
        for (long number : logsPresent) {
          checkWal(number);
        }
      } else {
        String manifestPath = dir.resolve(manifest).toString();
        for (Map.Entry<Long, FileMetadata> e : live.tables().entrySet()) {
          long number = e.getKey();
          if (!tablesPresent.contains(number)) {
            damage.add(new Finding(manifestPath, live.addedAt().get(number), "lists SSTable "
                + FileNames.table(dir, number).getFileName() + " at L" + live.levels().get(number)
                + ", which does not exist"));
          } else {
            checkTable(number, e.getValue(), live.levels().get(number), manifestPath);
          }
        }
        int unlisted = 0;
        for (long number : tablesPresent) {
          if (!live.tables().containsKey(number)) {
            unlisted++;
          }
        }
        if (unlisted > 0) {
          warnings.add(new Finding(dir.toString(), -1, unlisted + " SSTable(s) no version lists (left by an "
              + "interrupted flush or compaction; the next open deletes them): not checked"));
        }
        if (live.logNumber() > 0 && !logsPresent.contains(live.logNumber())) {
          damage.add(new Finding(manifestPath, live.logNumberAt(), "log number " + live.logNumber()
              + " names a WAL that does not exist (the manifest lost its newest edits, or the WAL was removed)"));
        }
        findWalGaps = true;
        for (long number : logsPresent) {
          if (number >= live.logNumber()) {
            checkWal(number);
          }
        }
      }
      return new VerifyReport(damage, warnings, manifestRecords, tables, dataBlocks, wals, walRecords, bytes);
    }

    /** The manifest CURRENT names, or null (with a finding) if CURRENT is missing or damaged. */
    private String checkCurrent() {
      Path path = FileNames.current(dir);
      String file = path.toString();
      if (!fs.exists(path)) {
        damage.add(new Finding(file, -1, "CURRENT does not exist"));
        return null;
      }
      byte[] content;
      try (ReadableFile f = fs.openReadable(path)) {
        long size = f.size();
        if (size > 256) {
          damage.add(new Finding(file, 0, "CURRENT file too large (" + size + " bytes)"));
          return null;
        }
        content = new byte[(int) size];
        f.read(0, content, 0, content.length);
        bytes += size;
      } catch (IOException e) {
        throw new StrataIOException("cannot read " + path, e);
      }
      String text = new String(content, StandardCharsets.UTF_8);
      if (!text.endsWith("\n")) {
        damage.add(new Finding(file, 0, "CURRENT does not end with a newline"));
        return null;
      }
      String name = text.substring(0, text.length() - 1);
      FileNames.Parsed parsed = FileNames.parse(name);
      if (parsed == null || parsed.kind() != FileNames.Kind.MANIFEST) {
        damage.add(new Finding(file, 0, "CURRENT does not name a manifest: " + name));
        return null;
      }
      if (!fs.exists(dir.resolve(name))) {
        damage.add(new Finding(file, 0, "CURRENT names " + name + ", which does not exist"));
        return null;
      }
      return name;
    }

    /** Replays the manifest; returns the live set, or null if the manifest is damaged. */
    private LiveSet replayManifest(String manifest) {
      Path path = dir.resolve(manifest);
      String name = path.toString();
      Map<Long, FileMetadata> files = new TreeMap<>();
      Map<Long, Integer> levels = new TreeMap<>();
      Map<Long, Long> addedAt = new TreeMap<>();
      long logNumber = -1;
      long logNumberAt = -1;
      boolean sawNextFile = false;
      boolean sawLastSequence = false;
      int damageBefore = damage.size();
      try (ReadableFile file = fs.openReadable(path);
          LogReader reader = new LogReader(file, name, (offset, length, reason) -> damage.add(
              new Finding(name, offset, "manifest record damaged (" + reason + "): " + length
                  + " bytes skipped; recovery fails here")))) {
        byte[] record;
        while ((record = reader.readRecord()) != null) {
          manifestRecords++;
          long offset = reader.lastRecordOffset();
          VersionEdit edit;
          try {
            edit = VersionEdit.decode(record, name, offset);
          } catch (CorruptionException e) {
            damage.add(Finding.of(e));
            continue;
          }
          if (edit.comparatorName() != null && !edit.comparatorName().equals(VersionEdit.COMPARATOR_NAME)) {
            damage.add(new Finding(name, offset, "comparator " + edit.comparatorName() + " does not match "
                + VersionEdit.COMPARATOR_NAME));
          }
          if (edit.logNumber() != null) {
            logNumber = edit.logNumber();
            logNumberAt = offset;
          }
          sawNextFile |= edit.nextFileNumber() != null;
          sawLastSequence |= edit.lastSequence() != null;
          for (VersionEdit.DeletedFile d : edit.deletedFiles()) {
            if (levels.containsKey(d.number()) && levels.get(d.number()) == d.level()) {
              files.remove(d.number());
              levels.remove(d.number());
            }
          }
          for (VersionEdit.NewFile f : edit.newFiles()) {
            files.put(f.file().number(), f.file());
            levels.put(f.file().number(), f.level());
            addedAt.put(f.file().number(), offset);
          }
        }
        bytes += file.size();
        if (reader.droppedTailOffset() >= 0) {
          warnings.add(new Finding(name, reader.droppedTailOffset(), "torn tail of "
              + (file.size() - reader.droppedTailOffset()) + " bytes: recovery drops this last edit (normal "
              + "after a crash during a manifest write; see the missing-file checks)"));
        }
        if (damage.size() == damageBefore && (logNumber < 0 || !sawNextFile || !sawLastSequence)) {
          damage.add(new Finding(name, file.size(), "manifest lacks log number, next file number or last sequence"));
        }
      } catch (IOException e) {
        throw new StrataIOException("cannot read manifest " + name, e);
      }
      if (damage.size() > damageBefore) {
        return null;
      }
      return new LiveSet(files, levels, addedAt, logNumber, logNumberAt);
    }

    /**
     * Checks one table; {@code expected} is the manifest's record of it (null when the live set is
     * unknown).
     */
    private void checkTable(long number, FileMetadata expected, int level, String manifest) {
      Path path = FileNames.table(dir, number);
      String name = path.toString();
      tables++;
      TableReader reader;
      try {
        reader = TableReader.open(fs, path, number);
      } catch (CorruptionException e) {
        damage.add(Finding.of(e));
        return;
      }
      try {
        long size;
        try (ReadableFile f = fs.openReadable(path)) {
          size = f.size();
        } catch (IOException e) {
          throw new StrataIOException("cannot read " + path, e);
        }
        bytes += size;
        TableScan.Result scan = TableScan.scan(reader, name);
        dataBlocks += scan.blocks();
        damage.addAll(scan.problems());
        if (expected != null) {
          if (expected.size() != size) {
            damage.add(new Finding(name, Math.min(size, expected.size()), "file has " + size + " bytes, "
                + manifest + " says " + expected.size()));
          }
          if (scan.problems().isEmpty() && scan.smallest() != null
              && (!Arrays.equals(scan.smallest(), expected.smallest())
                  || !Arrays.equals(scan.largest(), expected.largest()))) {
            damage.add(new Finding(name, -1, "key range " + InternalKey.toString(scan.smallest()) + " .. "
                + InternalKey.toString(scan.largest()) + " differs from the manifest's (L" + level + ") "
                + InternalKey.toString(expected.smallest()) + " .. " + InternalKey.toString(expected.largest())));
          }
        }
      } finally {
        reader.release();
      }
    }

    /** Checks every record of one WAL. */
    private void checkWal(long number) {
      Path path = FileNames.log(dir, number);
      String name = path.toString();
      wals++;
      long[] lastSequence = {-1};
      try (ReadableFile file = fs.openReadable(path);
          LogReader reader = new LogReader(file, name, (offset, length, reason) -> walDamaged(
              new Finding(name, offset, "WAL record damaged (" + reason + "): " + length
                  + " bytes skipped; recovery fails here")))) {
        byte[] record;
        while ((record = reader.readRecord()) != null) {
          walRecords++;
          long offset = reader.lastRecordOffset();
          long[] first = {-1};
          if (findWalGaps && !walGapFound && walSequence.gapBefore(record) > 0) {
            walGapFound = true;
            warnings.add(new Finding(name, offset, "sequence " + WalSequence.firstSequence(record) + " follows "
                + walSequence.last() + " (writes made without the WAL were lost): recovery stops here, dropping"
                + " this record, the rest of this WAL and any later WAL"));
          }
          try {
            long last = WalBatch.decode(record, name, offset, (seq, type, key, value) -> {
              if (first[0] < 0) {
                first[0] = seq;
              }
            });
            if (first[0] >= 0 && first[0] <= lastSequence[0]) {
              damage.add(new Finding(name, offset, "sequence numbers go backwards: " + first[0]
                  + " after " + lastSequence[0]));
            }
            lastSequence[0] = Math.max(lastSequence[0], last);
            walSequence.replayed(last);
          } catch (CorruptionException e) {
            walDamaged(Finding.of(e));
          }
        }
        bytes += file.size();
        if (reader.droppedTailOffset() >= 0) {
          warnings.add(new Finding(name, reader.droppedTailOffset(), "torn tail of "
              + (file.size() - reader.droppedTailOffset()) + " bytes: recovery drops it (writes not synced "
              + "before a crash; a damaged last record looks the same)"));
        }
      } catch (IOException e) {
        throw new StrataIOException("cannot read WAL " + name, e);
      }
    }

    /** Records a damaged WAL record; its sequence numbers are unknown, so no gap is reported after it. */
    private void walDamaged(Finding finding) {
      damage.add(finding);
      walSequence = new WalSequence();
    }
  }
}
