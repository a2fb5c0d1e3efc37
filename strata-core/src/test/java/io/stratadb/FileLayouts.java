package io.stratadb;

import io.stratadb.util.Coding;
import java.util.ArrayList;
import java.util.List;

/**
 * TEST ONLY: where the records of a log file and the blocks of an SSTable lie, parsed from the
 * bytes by the format rules of {@code docs/format.md}, independently of the engine's readers, so
 * the corruption sweep can cut files at record and block boundaries.
 */
public final class FileLayouts {
  private FileLayouts() {}

  private static final int LOG_BLOCK = 32 * 1024;
  private static final int LOG_HEADER = 7;

  /** A logical record of a log file: its first header byte and the byte after its last payload byte. */
  public record Span(long start, long end) {}

  /** The logical records of an intact log file, in order. */
  public static List<Span> logRecords(byte[] log) {
    List<Span> spans = new ArrayList<>();
    int pos = 0;
    long start = -1;
    while (pos < log.length) {
      int inBlock = pos % LOG_BLOCK;
      if (LOG_BLOCK - inBlock < LOG_HEADER) {
        pos += LOG_BLOCK - inBlock; // zero-filled block tail
        continue;
      }
      if (pos + LOG_HEADER > log.length) {
        throw new IllegalArgumentException("log ends inside a header at " + pos);
      }
      int length = (log[pos + 4] & 0xff) | (log[pos + 5] & 0xff) << 8;
      int type = log[pos + 6];
      if (type == 1 || type == 2) {
        start = pos;
      }
      pos += LOG_HEADER + length;
      if (type == 1 || type == 4) {
        spans.add(new Span(start, pos));
      }
    }
    return spans;
  }

  /**
   * The block boundaries of an intact SSTable: the start and the end (after the 5-byte trailer)
   * of every data, filter and index block, and the footer's start, ascending.
   */
  public static List<Long> tableBoundaries(byte[] table) {
    int footer = table.length - 48;
    long indexOffset = Coding.getFixed64(table, footer);
    long indexSize = Coding.getFixed64(table, footer + 8);
    long filterOffset = Coding.getFixed64(table, footer + 16);
    long filterSize = Coding.getFixed64(table, footer + 24);
    java.util.TreeSet<Long> out = new java.util.TreeSet<>();
    out.add(0L);
    out.add((long) footer);
    out.add(indexOffset);
    out.add(indexOffset + indexSize + 5);
    if (filterSize > 0) {
      out.add(filterOffset);
      out.add(filterOffset + filterSize + 5);
    }
    // index entries: shared, unshared, value length varints, key suffix, value = two varints
    int p = (int) indexOffset;
    int end = (int) (indexOffset + indexSize);
    int restarts = Coding.getFixed32(table, end - 4);
    int entriesEnd = end - 4 - 4 * restarts;
    while (p < entriesEnd) {
      long[] v = new long[3];
      for (int i = 0; i < 3; i++) {
        long[] r = varint(table, p);
        v[i] = r[0];
        p = (int) r[1];
      }
      p += (int) v[1];
      long[] offset = varint(table, p);
      long[] size = varint(table, (int) offset[1]);
      out.add(offset[0]);
      out.add(offset[0] + size[0] + 5);
      p += (int) v[2];
    }
    return new ArrayList<>(out);
  }

  /** {value, next offset}. */
  private static long[] varint(byte[] b, int p) {
    long result = 0;
    for (int shift = 0; ; shift += 7) {
      int x = b[p++] & 0xff;
      result |= (long) (x & 0x7f) << shift;
      if ((x & 0x80) == 0) {
        return new long[] {result, p};
      }
    }
  }
}
