package io.stratadb.record;

import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;

/** TEST ONLY: writes logs in memory and computes where each record lands, independently of the reader. */
final class LogTestSupport {
  private LogTestSupport() {}

  /** Where a logical record lies in the file: its first header byte and the byte after its last payload byte. */
  record Span(long start, long end) {}

  static byte[] randomRecord(Random random, int size) {
    byte[] r = new byte[size];
    random.nextBytes(r);
    return r;
  }

  static List<byte[]> randomRecords(long seed, int... sizes) {
    Random random = new Random(seed);
    List<byte[]> out = new ArrayList<>();
    for (int size : sizes) {
      out.add(randomRecord(random, size));
    }
    return out;
  }

  /** The log file holding {@code records}. */
  static byte[] write(List<byte[]> records) throws IOException {
    MemoryFile file = new MemoryFile();
    LogWriter writer = new LogWriter(file);
    for (byte[] r : records) {
      writer.addRecord(r);
    }
    writer.flush();
    writer.close();
    return file.bytes();
  }

  /** The file layout of {@code records} by the format rules (block padding, fragment headers). */
  static List<Span> layout(List<byte[]> records) {
    return layout(records, new BitSet());
  }

  /** Like {@link #layout(List)}; also sets in {@code recordBytes} every header and payload byte (not padding). */
  static List<Span> layout(List<byte[]> records, BitSet recordBytes) {
    List<Span> spans = new ArrayList<>();
    long pos = 0;
    for (byte[] r : records) {
      long start = -1;
      int left = r.length;
      boolean first = true;
      while (first || left > 0) {
        int inBlock = (int) (pos % LogFormat.BLOCK_SIZE);
        if (LogFormat.BLOCK_SIZE - inBlock < LogFormat.HEADER_SIZE) {
          pos += LogFormat.BLOCK_SIZE - inBlock;
          inBlock = 0;
        }
        if (start < 0) {
          start = pos;
        }
        int fragment = Math.min(left, LogFormat.BLOCK_SIZE - inBlock - LogFormat.HEADER_SIZE);
        recordBytes.set((int) pos, (int) pos + LogFormat.HEADER_SIZE + fragment);
        pos += LogFormat.HEADER_SIZE + fragment;
        left -= fragment;
        first = false;
      }
      spans.add(new Span(start, pos));
    }
    return spans;
  }

  /** Reads every record of {@code data}; the reader is returned through {@code readerOut[0]}. */
  static List<byte[]> readAll(byte[] data, String name, LogReader[] readerOut) throws IOException {
    LogReader reader = new LogReader(MemoryFile.readable(data), name);
    if (readerOut != null) {
      readerOut[0] = reader;
    }
    List<byte[]> out = new ArrayList<>();
    byte[] r;
    while ((r = reader.readRecord()) != null) {
      out.add(r);
    }
    return out;
  }
}
