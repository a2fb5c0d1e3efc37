package io.stratadb.admin;

import io.stratadb.CorruptionException;
import io.stratadb.StrataIOException;
import io.stratadb.env.FileSystem;
import io.stratadb.env.LocalFileSystem;
import io.stratadb.env.ReadableFile;
import io.stratadb.record.LogReader;
import io.stratadb.wal.WalBatch;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a write-ahead log for {@code strata wal-dump} (RocksDB's {@code ldb dump_wal}): every
 * record, decoded as the write batch it holds, with its offset. Records are read as recovery reads
 * them: a torn tail is dropped and reported, damage followed by valid records throws. Reads the
 * local file system. Stateless; thread-safe.
 */
public final class WalDumper {
  private WalDumper() {}

  /**
   * One operation of a batch.
   *
   * @param sequence its sequence number
   * @param type PUT or DELETE
   * @param key the user key
   * @param value the value; empty for a DELETE
   */
  public record Op(long sequence, EntryType type, byte[] key, byte[] value) {}

  /**
   * One WAL record: a write batch (or a commit group of batches, written as one).
   *
   * @param offset file offset of the record's first fragment
   * @param sequence the sequence number of its first operation
   * @param ops its operations in order; their count is the batch's count
   */
  public record Record(long offset, long sequence, List<Op> ops) {

    /**
     * Copies the list.
     *
     * @param offset file offset of the record's first fragment
     * @param sequence the sequence number of its first operation
     * @param ops its operations in order; their count is the batch's count
     */
    public Record {
      ops = List.copyOf(ops);
    }
  }

  /** Receives the log's records in order. */
  @FunctionalInterface
  public interface RecordVisitor {
    /**
     * One decoded record, in file order.
     *
     * @param record the record
     */
    void record(Record record);
  }

  /**
   * What the whole log held.
   *
   * @param file the log's path
   * @param fileSize its size in bytes
   * @param records records read
   * @param ops operations in them
   * @param lastSequence the highest sequence number, or -1 if none
   * @param droppedTailOffset where a torn tail began (dropped, as recovery drops it), or -1
   */
  public record Result(String file, long fileSize, long records, long ops, long lastSequence,
      long droppedTailOffset) {}

  /**
   * Reads the WAL at {@code path}, passing each record to {@code visitor} as it is read.
   *
   * @param path the WAL file
   * @param visitor receives the records in order
   * @return what the whole log held
   * @throws IllegalArgumentException if there is no such file
   * @throws CorruptionException if a record is damaged and valid records follow, or a record is
   *     not a write batch (names the file and the record's offset); earlier records were visited
   * @throws StrataIOException if the file cannot be read
   */
  public static Result dump(Path path, RecordVisitor visitor) {
    FileSystem fs = LocalFileSystem.INSTANCE;
    if (!fs.exists(path)) {
      throw new IllegalArgumentException("no such file: " + path);
    }
    String name = path.toString();
    long records = 0;
    long ops = 0;
    long lastSequence = -1;
    try (ReadableFile file = fs.openReadable(path);
        LogReader reader = new LogReader(file, name)) {
      byte[] payload;
      while ((payload = reader.readRecord()) != null) {
        long offset = reader.lastRecordOffset();
        List<Op> batch = new ArrayList<>();
        long last = WalBatch.decode(payload, name, offset,
            (sequence, type, key, value) -> batch.add(new Op(sequence, EntryType.of(type), key, value)));
        records++;
        ops += batch.size();
        lastSequence = Math.max(lastSequence, last);
        visitor.record(new Record(offset, last - batch.size() + 1, batch));
      }
      return new Result(name, file.size(), records, ops, lastSequence, reader.droppedTailOffset());
    } catch (IOException e) {
      throw new StrataIOException("cannot read WAL " + name, e);
    }
  }
}
