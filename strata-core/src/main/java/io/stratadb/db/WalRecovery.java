package io.stratadb.db;

import io.stratadb.StrataIOException;
import io.stratadb.env.FileSystem;
import io.stratadb.env.ReadableFile;
import io.stratadb.manifest.FileNames;
import io.stratadb.memtable.Memtable;
import io.stratadb.record.LogReader;
import io.stratadb.wal.WalBatch;
import io.stratadb.wal.WalSequence;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays the WALs left by the previous run into memtables (LevelDB's {@code
 * DBImpl::RecoverLogFile}). Logs are replayed in file-number order; a torn tail (the last record
 * cut short by a crash) is dropped with a warning, corruption in the middle of a log is thrown.
 *
 * <p>A log whose first record does not continue the sequence numbers where the previous log ended
 * is not replayed, nor is any later log (RocksDB's point-in-time recovery): a memtable switch does
 * not fsync the old log ({@code SwitchedWals}), so after a power loss the operating system may have
 * written back a newer log but not the older one's tail. No byte of the newer log was fsynced then
 * (that fsyncs the older logs first), and replaying it would leave a hole in the history.
 *
 * <p>Within a log too, replay stops at a record that does not continue the sequence numbers of the
 * one before it: the numbers between were taken by writes made without the WAL ({@code
 * WriteOptions.withoutWal()}; the write path logs an empty record where each run of them starts),
 * lost with their memtable, and replaying what followed them would give a state the database never
 * was in.
 *
 * <p>Not thread-safe; used once during open.
 */
final class WalRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(WalRecovery.class);

  /** Receives a memtable that reached the write-buffer size during replay, to write it as a table. */
  interface FullMemtableSink {
    void accept(Memtable memtable) throws IOException;
  }

  private final FileSystem fs;
  private final Path dir;
  private long lastSequence;
  /** The sequence numbers of the records replayed, across logs. */
  private final WalSequence sequence = new WalSequence();
  /** Set at a log that does not continue the previous one: it and the later logs are skipped. */
  private boolean stopped;

  WalRecovery(FileSystem fs, Path dir, long lastSequence) {
    this.fs = fs;
    this.dir = dir;
    this.lastSequence = lastSequence;
  }

  /** Numbers of the WALs at or above {@code minLogNumber}, ascending. */
  List<Long> logsToReplay(long minLogNumber) throws IOException {
    List<Long> logs = new ArrayList<>();
    for (String name : fs.listFileNames(dir)) {
      FileNames.Parsed parsed = FileNames.parse(name);
      if (parsed != null && parsed.kind() == FileNames.Kind.LOG && parsed.number() >= minLogNumber) {
        logs.add(parsed.number());
      }
    }
    Collections.sort(logs);
    return logs;
  }

  /**
   * Replays log {@code number}, adding its entries to memtables; each memtable that reaches
   * {@code writeBufferSize} bytes goes to {@code sink}. Returns the memtable still being filled.
   * Replays nothing if the log does not continue the sequence numbers of the logs replayed before
   * it, or follows one that did not (see the class comment).
   *
   * @throws io.stratadb.CorruptionException for corruption before the tail
   */
  Memtable replay(long number, Memtable memtable, long writeBufferSize, FullMemtableSink sink) throws IOException {
    Path path = FileNames.log(dir, number);
    String name = path.toString();
    Memtable[] current = {memtable};
    if (stopped) {
      LOG.warn("skipped WAL {}: it follows a WAL that lost records", name);
      return memtable;
    }
    try (ReadableFile file = fs.openReadable(path);
        LogReader reader = new LogReader(file, name)) {
      boolean firstRecord = true;
      for (byte[] record = reader.readRecord(); record != null; record = reader.readRecord()) {
        if (sequence.gapBefore(record) != 0) { // a malformed record is thrown below
          long first = WalSequence.firstSequence(record);
          if (firstRecord) {
            LOG.warn("skipped WAL {} and later ones: it starts at sequence {}, but the previous WAL"
                + " ends at {} (its tail, or writes made without the WAL, were lost)", name, first, sequence.last());
          } else {
            LOG.warn("stopped replay of WAL {} at offset {}: sequence {} follows {} (writes made without the WAL"
                + " were lost); it and later WALs are not replayed", name, reader.lastRecordOffset(), first,
                sequence.last());
          }
          stopped = true;
          return current[0];
        }
        firstRecord = false;
        long last = WalBatch.decode(record, name, reader.lastRecordOffset(),
            (seq, type, key, value) -> current[0].add(seq, type, key, value));
        lastSequence = Math.max(lastSequence, last);
        sequence.replayed(last);
        if (current[0].approximateBytes() >= writeBufferSize) {
          sink.accept(current[0]);
          current[0] = new Memtable(0);
        }
      }
      if (reader.droppedTailOffset() >= 0) {
        LOG.warn("dropped torn tail of {} at offset {} ({} bytes)", name, reader.droppedTailOffset(),
            file.size() - reader.droppedTailOffset());
      }
    } catch (IOException e) {
      throw new StrataIOException("cannot replay WAL " + name, e);
    }
    return current[0];
  }

  /** The highest sequence number seen in the manifest or any replayed record. */
  long lastSequence() {
    return lastSequence;
  }
}
