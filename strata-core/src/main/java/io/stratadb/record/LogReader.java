package io.stratadb.record;

import io.stratadb.CorruptionException;
import io.stratadb.env.ReadableFile;
import io.stratadb.util.ByteSink;
import io.stratadb.util.Coding;
import io.stratadb.util.Crc32c;
import java.io.Closeable;
import java.io.IOException;

/**
 * Reads logical records written by {@link LogWriter} (LevelDB's {@code db/log_reader.cc}), telling
 * a torn tail from real corruption.
 *
 * <p>A crash during an append leaves at most an incomplete or garbled record at the end of the
 * file. So when a record is bad (checksum mismatch, impossible length, fragments out of order, or
 * cut off by the end of the file), the reader looks for any valid record start (a FULL or FIRST
 * fragment with a matching checksum) after it:
 *
 * <ul>
 *   <li>none: the damage is a torn tail; reading ends cleanly and {@link #droppedTailOffset()} tells
 *       where the dropped bytes began;
 *   <li>one: data was damaged in the middle of the log; {@link #readRecord()} throws {@link
 *       CorruptionException} naming the file and offset. Records are never silently skipped.
 * </ul>
 *
 * <p>Zeroes from a record boundary to the end of the file are not damage: a WAL written through a
 * memory map ({@code env.MappedWritableFile}) grows by zeroed regions, and a crash leaves the
 * unused rest of the last one. The log then ends cleanly there, with no dropped tail.
 *
 * <p>A <em>salvaging</em> reader ({@link #LogReader(ReadableFile, String, DamageListener)}, for
 * {@code strata verify} and {@code strata repair}) instead reports each damaged region in the
 * middle to a {@link DamageListener} and resumes at the next valid record start, as LevelDB's reader
 * does with its {@code Reporter}; a torn tail is dropped as above.
 *
 * <p>Not thread-safe.
 */
public final class LogReader implements Closeable {

  /** Told about each damaged region a salvaging reader skips. */
  @FunctionalInterface
  public interface DamageListener {
    /**
     * Bytes {@code [offset, offset + length)} were skipped: they hold no valid record, or parts of
     * records that cannot be put back together.
     *
     * @param reason what was wrong at {@code offset}, e.g. "checksum mismatch"
     */
    void skipped(long offset, long length, String reason);
  }

  private final ReadableFile file;
  private final String fileName;
  private final long fileSize;
  private final byte[] block = new byte[LogFormat.BLOCK_SIZE];
  private long blockStart = -LogFormat.BLOCK_SIZE;
  private int blockLength = LogFormat.BLOCK_SIZE;
  private int pos = LogFormat.BLOCK_SIZE;
  private boolean finished;
  private long droppedTailOffset = -1;
  private long lastRecordOffset = -1;
  /** Null for a strict reader. */
  private final DamageListener salvage;

  // The physical record just read by readPhysical().
  private byte physicalType;
  private int payloadOffset;
  private int payloadLength;
  private long physicalOffset;
  private String badReason;

  /**
   * @param file the log file, read from offset 0
   * @param fileName the file's name, used in error messages
   * @throws IOException if the file size cannot be read
   */
  public LogReader(ReadableFile file, String fileName) throws IOException {
    this(file, fileName, null);
  }

  /**
   * A salvaging reader: damage followed by valid records is reported to {@code salvage} and
   * skipped instead of thrown.
   *
   * @param file the log file, read from offset 0
   * @param fileName the file's name, used in error messages
   * @param salvage told about each skipped region; null for a strict reader
   * @throws IOException if the file size cannot be read
   */
  public LogReader(ReadableFile file, String fileName, DamageListener salvage) throws IOException {
    this.file = file;
    this.fileName = fileName;
    this.fileSize = file.size();
    this.salvage = salvage;
  }

  /**
   * Returns the next logical record, or {@code null} at the end of the log (including after a
   * dropped torn tail).
   *
   * @throws CorruptionException if a damaged record is followed by valid records (never for a
   *     salvaging reader)
   * @throws IOException if reading fails
   */
  public byte[] readRecord() throws IOException {
    if (finished) {
      return null;
    }
    ByteSink fragments = null;
    long recordStart = -1;
    while (true) {
      int kind = readPhysical();
      if (kind == EOF) {
        if (fragments != null && resumeAfterDamage(recordStart, "record cut off by end of file")) {
          fragments = null;
          continue;
        }
        finished = true;
        return null;
      }
      if (kind == BAD) {
        if (fragments == null && badReason.equals(ZERO_FILLED) && zeroesToEnd(physicalOffset)) {
          // The unused, zeroed end of a mapped log after a crash (LevelDB skips these too).
          finished = true;
          return null;
        }
        if (resumeAfterDamage(fragments != null ? recordStart : physicalOffset, badReason)) {
          fragments = null;
          continue;
        }
        return null;
      }
      switch (physicalType) {
        case LogFormat.FULL_TYPE:
          if (fragments != null) {
            if (resumeAfterDamage(recordStart, "fragmented record without its last fragment")) {
              fragments = null;
              continue;
            }
            return null;
          }
          lastRecordOffset = physicalOffset;
          return copyPayload();
        case LogFormat.FIRST_TYPE:
          if (fragments != null) {
            if (resumeAfterDamage(recordStart, "fragmented record without its last fragment")) {
              fragments = null;
              continue;
            }
            return null;
          }
          recordStart = physicalOffset;
          fragments = new ByteSink(payloadLength * 2);
          fragments.put(block, payloadOffset, payloadLength);
          break;
        case LogFormat.MIDDLE_TYPE:
        case LogFormat.LAST_TYPE:
          if (fragments == null) {
            if (resumeAfterDamage(physicalOffset, "fragment without a first fragment")) {
              continue;
            }
            return null;
          }
          fragments.put(block, payloadOffset, payloadLength);
          if (physicalType == LogFormat.LAST_TYPE) {
            lastRecordOffset = recordStart;
            return fragments.toByteArray();
          }
          break;
        default:
          if (resumeAfterDamage(physicalOffset, "unknown record type " + physicalType)) {
            fragments = null;
            continue;
          }
          return null;
      }
    }
  }

  /** File offset of the record last returned by {@link #readRecord()}, or -1. */
  public long lastRecordOffset() {
    return lastRecordOffset;
  }

  /** Where a dropped torn tail began, or -1 if the log ended cleanly. */
  public long droppedTailOffset() {
    return droppedTailOffset;
  }

  private byte[] copyPayload() {
    byte[] out = new byte[payloadLength];
    System.arraycopy(block, payloadOffset, out, 0, payloadLength);
    return out;
  }

  /**
   * Handles damage at {@code offset}: with no valid record start after it, a torn tail (the log
   * ends here; returns false); otherwise a strict reader throws, and a salvaging one reports the
   * skipped bytes, moves to the next valid record start and returns true.
   */
  private boolean resumeAfterDamage(long offset, String reason) throws IOException {
    long next = nextValidRecordStart(offset + 1);
    if (next < 0) {
      droppedTailOffset = offset;
      finished = true;
      return false;
    }
    if (salvage == null) {
      throw new CorruptionException(fileName, offset, "log record corrupt (" + reason + ")");
    }
    salvage.skipped(offset, next - offset, reason);
    seekTo(next);
    return true;
  }

  /** Makes the physical record at {@code offset} the next one read. */
  private void seekTo(long offset) throws IOException {
    long start = (offset / LogFormat.BLOCK_SIZE) * LogFormat.BLOCK_SIZE;
    readBlock(start);
    pos = (int) (offset - start);
  }

  private static final String ZERO_FILLED = "zero-filled region";

  /** Whether every byte from {@code offset} to the end of the file is zero. */
  private boolean zeroesToEnd(long offset) throws IOException {
    byte[] scan = new byte[LogFormat.BLOCK_SIZE];
    for (long at = offset; at < fileSize; ) {
      int n = file.read(at, scan, 0, (int) Math.min(scan.length, fileSize - at));
      if (n <= 0) {
        return true;
      }
      for (int i = 0; i < n; i++) {
        if (scan[i] != 0) {
          return false;
        }
      }
      at += n;
    }
    return true;
  }

  private static final int RECORD = 0;
  private static final int EOF = 1;
  private static final int BAD = 2;

  private int readPhysical() throws IOException {
    while (true) {
      if (blockLength - pos < LogFormat.HEADER_SIZE) {
        if (blockLength < LogFormat.BLOCK_SIZE) {
          if (blockLength - pos > 0) {
            physicalOffset = blockStart + pos;
            badReason = "header cut off by end of file";
            return BAD;
          }
          return EOF;
        }
        if (!readBlock(blockStart + LogFormat.BLOCK_SIZE)) {
          return EOF;
        }
        continue;
      }
      physicalOffset = blockStart + pos;
      int crc = Coding.getFixed32(block, pos);
      int length = (block[pos + 4] & 0xff) | (block[pos + 5] & 0xff) << 8;
      byte type = block[pos + 6];
      int end = pos + LogFormat.HEADER_SIZE + length;
      if (end > blockLength) {
        badReason =
            end > LogFormat.BLOCK_SIZE ? "record length past block end" : "record cut off by end of file";
        return BAD;
      }
      if (type == LogFormat.ZERO_TYPE && length == 0 && crc == 0) {
        badReason = ZERO_FILLED;
        return BAD;
      }
      int payload = pos + LogFormat.HEADER_SIZE;
      if (Crc32c.unmask(crc) != Crc32c.value(type, block, payload, length)) {
        badReason = "checksum mismatch";
        return BAD;
      }
      physicalType = type;
      payloadOffset = payload;
      payloadLength = length;
      pos = end;
      return RECORD;
    }
  }

  private boolean readBlock(long start) throws IOException {
    if (start >= fileSize) {
      blockStart = start;
      blockLength = 0;
      pos = 0;
      return false;
    }
    int n = file.read(start, block, 0, LogFormat.BLOCK_SIZE);
    blockStart = start;
    blockLength = n;
    pos = 0;
    return n > 0;
  }

  /**
   * Scans every offset from {@code from} for a checksum-valid FULL or FIRST physical record;
   * returns its offset, or -1 if there is none.
   */
  private long nextValidRecordStart(long from) throws IOException {
    byte[] scan = new byte[LogFormat.BLOCK_SIZE];
    long blockOffset = (from / LogFormat.BLOCK_SIZE) * LogFormat.BLOCK_SIZE;
    for (; blockOffset < fileSize; blockOffset += LogFormat.BLOCK_SIZE) {
      int n = file.read(blockOffset, scan, 0, LogFormat.BLOCK_SIZE);
      int start = (int) Math.max(0, from - blockOffset);
      for (int p = start; p + LogFormat.HEADER_SIZE <= n; p++) {
        byte type = scan[p + 6];
        if (type != LogFormat.FULL_TYPE && type != LogFormat.FIRST_TYPE) {
          continue;
        }
        int length = (scan[p + 4] & 0xff) | (scan[p + 5] & 0xff) << 8;
        if (p + LogFormat.HEADER_SIZE + length > n) {
          continue;
        }
        int crc = Crc32c.unmask(Coding.getFixed32(scan, p));
        if (crc == Crc32c.value(type, scan, p + LogFormat.HEADER_SIZE, length)) {
          return blockOffset + p;
        }
      }
    }
    return -1;
  }

  /** Closes the file. */
  @Override
  public void close() throws IOException {
    file.close();
  }
}
