package io.stratadb.sstable;

import io.stratadb.CorruptionException;
import io.stratadb.env.ReadableFile;
import io.stratadb.util.ByteSink;
import io.stratadb.util.Coding;
import io.stratadb.util.Crc32c;
import java.io.IOException;

/**
 * An SSTable's footer, the fixed {@value TableFormat#FOOTER_SIZE} bytes at the end of the file
 * that say where the index and filter blocks are (layout in {@link TableFormat}), with the file's
 * size. Immutable.
 *
 * @param formatVersion the SSTable format version ({@link TableFormat#FORMAT_VERSION})
 * @param index where the index block is
 * @param filter where the filter block is; size 0 when the table has no bloom filter
 * @param fileSize the file's size in bytes
 */
public record Footer(int formatVersion, BlockHandle index, BlockHandle filter, long fileSize) {

  /** The footer's offset in the file, in bytes: where the blocks end. */
  public long offset() {
    return fileSize - TableFormat.FOOTER_SIZE;
  }

  /**
   * The footer's bytes for a table whose index and filter blocks are at {@code index} and {@code
   * filter} (size 0: no filter), in the current format version, checksum and magic included.
   *
   * @return {@value TableFormat#FOOTER_SIZE} bytes
   */
  static byte[] encode(BlockHandle index, BlockHandle filter) {
    ByteSink footer = new ByteSink(TableFormat.FOOTER_SIZE);
    footer.putFixed64(index.offset()).putFixed64(index.size());
    footer.putFixed64(filter.offset()).putFixed64(filter.size());
    footer.putFixed32(TableFormat.FORMAT_VERSION);
    footer.putFixed32(Crc32c.mask(Crc32c.value(footer.array(), 0, footer.size())));
    footer.putFixed64(TableFormat.MAGIC);
    return footer.toByteArray();
  }

  /**
   * Reads and verifies the footer at the end of {@code file}: its magic number, checksum and
   * format version. The handles it holds are not checked here (the blocks' reads check them).
   *
   * @param name the file's name, for error messages
   * @throws CorruptionException naming the file and the offset of the bad field, if the file is
   *     shorter than a footer, or the magic, checksum or version is wrong
   * @throws IOException if the read fails
   */
  static Footer read(ReadableFile file, String name) throws IOException {
    long size = file.size();
    if (size < TableFormat.FOOTER_SIZE) {
      throw new CorruptionException(name, 0, "file too short for an SSTable footer (" + size + " bytes)");
    }
    long at = size - TableFormat.FOOTER_SIZE;
    byte[] footer = new byte[TableFormat.FOOTER_SIZE];
    BlockReader.readFully(file, name, at, footer);
    if (Coding.getFixed64(footer, 40) != TableFormat.MAGIC) {
      throw new CorruptionException(name, at + 40, "bad SSTable magic number");
    }
    if (Crc32c.unmask(Coding.getFixed32(footer, 36)) != Crc32c.value(footer, 0, 36)) {
      throw new CorruptionException(name, at, "footer checksum mismatch");
    }
    int version = Coding.getFixed32(footer, 32);
    if (version != TableFormat.FORMAT_VERSION) {
      throw new CorruptionException(name, at + 32, "unsupported SSTable format version " + version);
    }
    return new Footer(version,
        new BlockHandle(Coding.getFixed64(footer, 0), Coding.getFixed64(footer, 8)),
        new BlockHandle(Coding.getFixed64(footer, 16), Coding.getFixed64(footer, 24)), size);
  }
}
