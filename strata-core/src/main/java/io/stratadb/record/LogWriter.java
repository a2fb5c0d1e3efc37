package io.stratadb.record;

import io.stratadb.env.WritableFile;
import io.stratadb.util.Coding;
import io.stratadb.util.Crc32c;
import java.io.Closeable;
import java.io.IOException;

/**
 * Appends logical records to a log file in the {@link LogFormat} (LevelDB's {@code
 * db/log_writer.cc}). Used for WALs and the manifest.
 *
 * <p>Not thread-safe: the caller serialises appends. {@link #addRecord} hands the bytes to the
 * file's buffer; call {@link #flush()} (process-crash durable) or {@link #sync()} (power-loss
 * durable) before acknowledging. Every method throws {@link IOException} when the file does.
 */
public final class LogWriter implements Closeable {
  private static final byte[] ZEROES = new byte[LogFormat.HEADER_SIZE];

  private final WritableFile file;
  private final byte[] header = new byte[LogFormat.HEADER_SIZE];
  private int blockOffset;

  /** Writes to a new, empty file. */
  public LogWriter(WritableFile file) {
    this.file = file;
    this.blockOffset = (int) (file.size() % LogFormat.BLOCK_SIZE);
  }

  /** Appends one logical record of {@code len} bytes (may be empty). */
  public void addRecord(byte[] data, int off, int len) throws IOException {
    int left = len;
    boolean begin = true;
    do {
      int leftover = LogFormat.BLOCK_SIZE - blockOffset;
      if (leftover < LogFormat.HEADER_SIZE) {
        file.append(ZEROES, 0, leftover);
        blockOffset = 0;
      }
      int available = LogFormat.BLOCK_SIZE - blockOffset - LogFormat.HEADER_SIZE;
      int fragment = Math.min(left, available);
      boolean end = fragment == left;
      byte type;
      if (begin && end) {
        type = LogFormat.FULL_TYPE;
      } else if (begin) {
        type = LogFormat.FIRST_TYPE;
      } else if (end) {
        type = LogFormat.LAST_TYPE;
      } else {
        type = LogFormat.MIDDLE_TYPE;
      }
      emitPhysicalRecord(type, data, off, fragment);
      off += fragment;
      left -= fragment;
      begin = false;
    } while (left > 0);
  }

  /** Appends all of {@code data} as one logical record. */
  public void addRecord(byte[] data) throws IOException {
    addRecord(data, 0, data.length);
  }

  private void emitPhysicalRecord(byte type, byte[] data, int off, int len) throws IOException {
    Coding.putFixed32(header, 0, Crc32c.mask(Crc32c.value(type, data, off, len)));
    header[4] = (byte) len;
    header[5] = (byte) (len >>> 8);
    header[6] = type;
    file.append(header, 0, LogFormat.HEADER_SIZE);
    file.append(data, off, len);
    blockOffset += LogFormat.HEADER_SIZE + len;
  }

  /** Hands buffered records to the operating system. */
  public void flush() throws IOException {
    file.flush();
  }

  /** Flushes and fsyncs. */
  public void sync() throws IOException {
    file.sync();
  }

  /** Bytes written so far. */
  public long size() {
    return file.size();
  }

  /** Flushes and closes the file (without fsync). */
  @Override
  public void close() throws IOException {
    file.close();
  }
}
