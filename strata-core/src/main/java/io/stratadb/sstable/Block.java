package io.stratadb.sstable;

import io.stratadb.CorruptionException;
import io.stratadb.iterator.InternalIterator;
import io.stratadb.util.Coding;
import java.util.Comparator;

/**
 * A read-only block built by {@link BlockBuilder}, already checksum-verified. Immutable and
 * thread-safe; each {@link #iterator} is single-threaded.
 */
public final class Block {
  private final byte[] data;
  private final int restartsOffset;
  private final int restartCount;
  private final String fileName;
  private final long fileOffset;

  /**
   * Parses the restart array of a block.
   *
   * @param data block contents (trailer removed)
   * @param fileName file holding the block, for error messages
   * @param fileOffset the block's offset in that file, for error messages
   * @throws CorruptionException if the restart array does not fit the block
   */
  public Block(byte[] data, String fileName, long fileOffset) {
    this.data = data;
    this.fileName = fileName;
    this.fileOffset = fileOffset;
    if (data.length < 4) {
      throw new CorruptionException(fileName, fileOffset, "block too short");
    }
    this.restartCount = Coding.getFixed32(data, data.length - 4);
    long offset = (long) data.length - 4 - 4L * restartCount;
    if (restartCount < 1 || offset < 0) {
      throw new CorruptionException(fileName, fileOffset, "bad restart count " + restartCount);
    }
    this.restartsOffset = (int) offset;
  }

  /** Size of the block contents in bytes. */
  public int size() {
    return data.length;
  }

  /** An unpositioned iterator ordering keys by {@code comparator}. */
  public InternalIterator iterator(Comparator<byte[]> comparator) {
    return new BlockIterator(comparator);
  }

  /**
   * Iterates the entries of the block in both directions. Forward steps decode the next entry;
   * backward steps re-decode from the restart point before the current entry, as LevelDB's {@code
   * table/block.cc} {@code Block::Iter::Prev}: a {@link #prev()} costs up to one restart interval
   * of decoding.
   */
  private final class BlockIterator implements InternalIterator {
    private final Comparator<byte[]> comparator;
    /** Offset of the current entry; {@code restartsOffset} when invalid. */
    private int current = restartsOffset;
    private int nextEntry;
    /** Index of the restart point at or before {@code current}. */
    private int restartIndex;
    private byte[] key;
    private byte[] value;

    BlockIterator(Comparator<byte[]> comparator) {
      this.comparator = comparator;
    }

    @Override
    public boolean isValid() {
      return current < restartsOffset;
    }

    @Override
    public void seekToFirst() {
      if (restartsOffset == 0) {
        invalidate(); // a block without entries
        return;
      }
      seekToRestartPoint(0);
      parseNext();
    }

    @Override
    public void seek(byte[] target) {
      if (restartsOffset == 0) {
        invalidate(); // a block without entries
        return;
      }
      int left = 0;
      int right = restartCount - 1;
      while (left < right) {
        int mid = (left + right + 1) >>> 1;
        if (compare(keyAtRestart(mid), target) < 0) {
          left = mid;
        } else {
          right = mid - 1;
        }
      }
      seekToRestartPoint(left);
      parseNext();
      while (isValid() && compare(key, target) < 0) {
        parseNext();
      }
    }

    @Override
    public void seekToLast() {
      if (restartsOffset == 0) {
        invalidate();
        return;
      }
      seekToRestartPoint(restartCount - 1);
      do {
        parseNext();
      } while (isValid() && nextEntry < restartsOffset);
    }

    @Override
    public void seekForPrev(byte[] target) {
      seek(target);
      if (!isValid()) {
        seekToLast();
      } else if (compare(key, target) > 0) {
        prev();
      }
    }

    @Override
    public void next() {
      if (!isValid()) {
        throw new IllegalStateException("iterator is not valid");
      }
      parseNext();
    }

    @Override
    public void prev() {
      if (!isValid()) {
        throw new IllegalStateException("iterator is not valid");
      }
      int original = current;
      while (restartPoint(restartIndex) >= original) {
        if (restartIndex == 0) {
          invalidate(); // it was on the first entry
          return;
        }
        restartIndex--;
      }
      seekToRestartPoint(restartIndex);
      // Decode forward until the entry that ends where the original one starts.
      do {
        parseNext();
      } while (isValid() && nextEntry < original);
      if (nextEntry != original) {
        throw corrupt("entries do not chain up to offset " + original);
      }
    }

    @Override
    public byte[] key() {
      return key;
    }

    @Override
    public byte[] value() {
      return value;
    }

    @Override
    public void close() {
      current = restartsOffset;
    }

    private void invalidate() {
      current = restartsOffset;
      key = null;
      value = null;
    }

    /** Makes the entry at restart point {@code index} the next one to parse. */
    private void seekToRestartPoint(int index) {
      restartIndex = index;
      nextEntry = restartPoint(index);
      key = null;
    }

    private int restartPoint(int index) {
      int offset = Coding.getFixed32(data, restartsOffset + 4 * index);
      if (offset < 0 || offset >= restartsOffset) {
        throw corrupt("restart point out of range");
      }
      return offset;
    }

    private byte[] keyAtRestart(int index) {
      int p = restartPoint(index);
      int[] header = new int[3];
      p = decodeHeader(p, header);
      if (header[0] != 0) {
        throw corrupt("restart entry shares a prefix");
      }
      if ((long) p + header[1] > restartsOffset) {
        throw corrupt("restart entry key runs past the entries");
      }
      byte[] k = new byte[header[1]];
      System.arraycopy(data, p, k, 0, header[1]);
      return k;
    }

    /**
     * Compares a key of this block with another key. The comparator is trusted code, so when it
     * cannot order a stored key (an internal-key comparator given a key shorter than its 8-byte
     * trailer) the block is corrupt.
     */
    private int compare(byte[] a, byte[] b) {
      try {
        return comparator.compare(a, b);
      } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
        throw corrupt("key the comparator cannot order (" + e.getMessage() + ")");
      }
    }

    private void parseNext() {
      current = nextEntry;
      if (current >= restartsOffset) {
        invalidate();
        return;
      }
      int[] header = new int[3];
      int p = decodeHeader(current, header);
      int shared = header[0];
      int unshared = header[1];
      int valueLength = header[2];
      int previous = key == null ? 0 : key.length;
      if (shared > previous || (long) p + unshared + valueLength > restartsOffset) {
        throw corrupt("bad entry");
      }
      byte[] k = new byte[shared + unshared];
      if (shared > 0) {
        System.arraycopy(key, 0, k, 0, shared);
      }
      System.arraycopy(data, p, k, shared, unshared);
      byte[] v = new byte[valueLength];
      System.arraycopy(data, p + unshared, v, 0, valueLength);
      key = k;
      value = v;
      nextEntry = p + unshared + valueLength;
      while (restartIndex + 1 < restartCount && restartPoint(restartIndex + 1) <= current) {
        restartIndex++;
      }
    }

    /** Decodes three varints (shared, unshared, value length) at {@code p}; returns the offset after. */
    private int decodeHeader(int p, int[] out) {
      for (int i = 0; i < 3; i++) {
        long result = 0;
        for (int shift = 0; ; shift += 7) {
          if (p >= restartsOffset || shift > 28) {
            throw corrupt("bad entry header");
          }
          int b = data[p++] & 0xff;
          result |= (long) (b & 0x7f) << shift;
          if ((b & 0x80) == 0) {
            break;
          }
        }
        if (result > Integer.MAX_VALUE) {
          throw corrupt("entry length out of range");
        }
        out[i] = (int) result;
      }
      return p;
    }

    private CorruptionException corrupt(String what) {
      return new CorruptionException(fileName, fileOffset, "block " + what);
    }
  }
}
