package io.stratadb.wal;

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
 * <p>Not thread-safe.
 */
public final class LogReader implements Closeable {

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
    this.file = file;
    this.fileName = fileName;
    this.fileSize = file.size();
  }

  /**
   * Returns the next logical record, or {@code null} at the end of the log (including after a
   * dropped torn tail).
   *
   * @throws CorruptionException if a damaged record is followed by valid records
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
        if (fragments != null) {
          return tornOrCorrupt(recordStart, "record cut off by end of file");
        }
        finished = true;
        return null;
      }
      if (kind == BAD) {
        return tornOrCorrupt(fragments != null ? recordStart : physicalOffset, badReason);
      }
      switch (physicalType) {
        case LogFormat.FULL_TYPE:
          if (fragments != null) {
            return tornOrCorrupt(recordStart, "fragmented record without its last fragment");
          }
          lastRecordOffset = physicalOffset;
          return copyPayload();
        case LogFormat.FIRST_TYPE:
          if (fragments != null) {
            return tornOrCorrupt(recordStart, "fragmented record without its last fragment");
          }
          recordStart = physicalOffset;
          fragments = new ByteSink(payloadLength * 2);
          fragments.put(block, payloadOffset, payloadLength);
          break;
        case LogFormat.MIDDLE_TYPE:
        case LogFormat.LAST_TYPE:
          if (fragments == null) {
            return tornOrCorrupt(physicalOffset, "fragment without a first fragment");
          }
          fragments.put(block, payloadOffset, payloadLength);
          if (physicalType == LogFormat.LAST_TYPE) {
            lastRecordOffset = recordStart;
            return fragments.toByteArray();
          }
          break;
        default:
          return tornOrCorrupt(physicalOffset, "unknown record type " + physicalType);
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

  private byte[] tornOrCorrupt(long offset, String reason) throws IOException {
    if (hasValidRecordStartAfter(offset + 1)) {
      throw new CorruptionException(fileName, offset, "log record corrupt (" + reason + ")");
    }
    droppedTailOffset = offset;
    finished = true;
    return null;
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
        badReason = "zero-filled region";
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

  /** Scans every offset from {@code from} for a checksum-valid FULL or FIRST physical record. */
  private boolean hasValidRecordStartAfter(long from) throws IOException {
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
          return true;
        }
      }
    }
    return false;
  }

  /** Closes the file. */
  @Override
  public void close() throws IOException {
    file.close();
  }
}
