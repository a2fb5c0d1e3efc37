package io.stratadb.manifest;

import io.stratadb.CorruptionException;
import io.stratadb.key.InternalKey;
import io.stratadb.util.ByteSink;
import io.stratadb.util.ByteSource;
import java.util.ArrayList;
import java.util.List;

/**
 * One manifest record: a change from one {@link Version} to the next (LevelDB's {@code
 * db/version_edit.cc}, same tag numbers). Manifest format v1, documented in {@code docs/format.md}.
 *
 * <pre>
 *   record: sequence of (tag varint, fields)
 *   1 comparator name (length-prefixed)     2 log number (varint)
 *   3 next file number (varint)             4 last sequence (varint)
 *   6 deleted file: level (varint), number (varint)
 *   7 new file: level, number, size (varints), smallest, largest (length-prefixed internal keys)
 * </pre>
 *
 * Not thread-safe; built by one thread, then handed to {@link VersionSet#logAndApply}.
 */
public final class VersionEdit {
  /** The only comparator StrataDB has: unsigned bytewise. */
  public static final String COMPARATOR_NAME = "strata.BytewiseComparator";

  private static final int TAG_COMPARATOR = 1;
  private static final int TAG_LOG_NUMBER = 2;
  private static final int TAG_NEXT_FILE_NUMBER = 3;
  private static final int TAG_LAST_SEQUENCE = 4;
  private static final int TAG_DELETED_FILE = 6;
  private static final int TAG_NEW_FILE = 7;

  /** A file added at a level. */
  public record NewFile(int level, FileMetadata file) {}

  /** A file removed from a level. */
  public record DeletedFile(int level, long number) {}

  private String comparatorName;
  private Long logNumber;
  private Long nextFileNumber;
  private Long lastSequence;
  private final List<NewFile> newFiles = new ArrayList<>();
  private final List<DeletedFile> deletedFiles = new ArrayList<>();

  /** Sets the comparator name (written in the first record of a manifest). */
  public VersionEdit comparatorName(String name) {
    this.comparatorName = name;
    return this;
  }

  /** WALs numbered below this hold nothing that is not in SSTables. */
  public VersionEdit logNumber(long number) {
    this.logNumber = number;
    return this;
  }

  /** The next file number to allocate. */
  public VersionEdit nextFileNumber(long number) {
    this.nextFileNumber = number;
    return this;
  }

  /** The last sequence number used. */
  public VersionEdit lastSequence(long sequence) {
    this.lastSequence = sequence;
    return this;
  }

  /** Adds a file at {@code level}. */
  public VersionEdit addFile(int level, FileMetadata file) {
    newFiles.add(new NewFile(level, file));
    return this;
  }

  /** Removes file {@code number} from {@code level}. */
  public VersionEdit deleteFile(int level, long number) {
    deletedFiles.add(new DeletedFile(level, number));
    return this;
  }

  /** The comparator name, or null if not set. */
  public String comparatorName() {
    return comparatorName;
  }

  /** The log number, or null if not set. */
  public Long logNumber() {
    return logNumber;
  }

  /** The next file number, or null if not set. */
  public Long nextFileNumber() {
    return nextFileNumber;
  }

  /** The last sequence, or null if not set. */
  public Long lastSequence() {
    return lastSequence;
  }

  /** Files added. */
  public List<NewFile> newFiles() {
    return newFiles;
  }

  /** Files removed. */
  public List<DeletedFile> deletedFiles() {
    return deletedFiles;
  }

  /** Encodes the edit as one manifest record. */
  public byte[] encode() {
    ByteSink sink = new ByteSink(64);
    if (comparatorName != null) {
      sink.putVarint64(TAG_COMPARATOR).putLengthPrefixed(comparatorName.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    if (logNumber != null) {
      sink.putVarint64(TAG_LOG_NUMBER).putVarint64(logNumber);
    }
    if (nextFileNumber != null) {
      sink.putVarint64(TAG_NEXT_FILE_NUMBER).putVarint64(nextFileNumber);
    }
    if (lastSequence != null) {
      sink.putVarint64(TAG_LAST_SEQUENCE).putVarint64(lastSequence);
    }
    for (DeletedFile d : deletedFiles) {
      sink.putVarint64(TAG_DELETED_FILE).putVarint64(d.level()).putVarint64(d.number());
    }
    for (NewFile f : newFiles) {
      sink.putVarint64(TAG_NEW_FILE).putVarint64(f.level()).putVarint64(f.file().number())
          .putVarint64(f.file().size()).putLengthPrefixed(f.file().smallest())
          .putLengthPrefixed(f.file().largest());
    }
    return sink.toByteArray();
  }

  /**
   * Decodes a manifest record. A decoded edit is well-formed: levels below {@link
   * Version#NUM_LEVELS}, non-negative numbers and sizes, a last sequence that fits an internal key,
   * and file key ranges made of internal keys with smallest at or before largest.
   *
   * @throws CorruptionException if the record is malformed (names {@code fileName} and {@code offset})
   */
  public static VersionEdit decode(byte[] record, String fileName, long offset) {
    VersionEdit edit = new VersionEdit();
    ByteSource src = new ByteSource(record);
    try {
      while (src.hasRemaining()) {
        int tag = src.getVarint32();
        switch (tag) {
          case TAG_COMPARATOR:
            edit.comparatorName = new String(src.getLengthPrefixed(), java.nio.charset.StandardCharsets.UTF_8);
            break;
          case TAG_LOG_NUMBER:
            edit.logNumber = number(src, "log number", fileName, offset);
            break;
          case TAG_NEXT_FILE_NUMBER:
            edit.nextFileNumber = number(src, "next file number", fileName, offset);
            break;
          case TAG_LAST_SEQUENCE:
            edit.lastSequence = number(src, "last sequence", fileName, offset);
            if (edit.lastSequence > InternalKey.MAX_SEQUENCE) {
              throw new CorruptionException(fileName, offset, "last sequence out of range: " + edit.lastSequence);
            }
            break;
          case TAG_DELETED_FILE:
            edit.deleteFile(level(src, fileName, offset), number(src, "file number", fileName, offset));
            break;
          case TAG_NEW_FILE:
            int level = level(src, fileName, offset);
            long number = number(src, "file number", fileName, offset);
            long size = number(src, "file size", fileName, offset);
            byte[] smallest = src.getLengthPrefixed();
            byte[] largest = src.getLengthPrefixed();
            if (!InternalKey.isWellFormed(smallest) || !InternalKey.isWellFormed(largest)
                || InternalKey.compare(smallest, largest) > 0) {
              throw new CorruptionException(fileName, offset, "file " + number + " has a malformed key range");
            }
            edit.addFile(level, new FileMetadata(number, size, smallest, largest));
            break;
          default:
            throw new CorruptionException(fileName, offset, "unknown manifest tag " + tag);
        }
      }
    } catch (IndexOutOfBoundsException e) {
      throw new CorruptionException(fileName, offset, "malformed manifest record: " + e.getMessage());
    }
    return edit;
  }

  /** A varint that must not be negative (a 10-byte varint can set the sign bit). */
  private static long number(ByteSource src, String what, String fileName, long offset) {
    long n = src.getVarint64();
    if (n < 0) {
      throw new CorruptionException(fileName, offset, what + " out of range: " + n);
    }
    return n;
  }

  private static int level(ByteSource src, String fileName, long offset) {
    int level = src.getVarint32();
    if (level >= Version.NUM_LEVELS) {
      throw new CorruptionException(fileName, offset, "level out of range: " + level);
    }
    return level;
  }
}
