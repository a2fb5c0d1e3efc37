package io.stratadb.sstable;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.stratadb.Compression;
import io.stratadb.env.LocalFileSystem;
import io.stratadb.key.InternalKey;
import io.stratadb.key.ValueType;
import io.stratadb.util.Coding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** TEST ONLY: writes SSTables and parses their layout independently of {@link TableReader}. */
final class TableTestSupport {
  private TableTestSupport() {}

  record Entry(byte[] key, byte[] value) {}

  static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  static byte[] userKey(int i) {
    return b(String.format("user%06d", i));
  }

  static Entry put(byte[] user, long seq, byte[] value) {
    return new Entry(InternalKey.encode(user, seq, ValueType.PUT), value);
  }

  static Entry delete(byte[] user, long seq) {
    return new Entry(InternalKey.encode(user, seq, ValueType.DELETE), new byte[0]);
  }

  /** Writes {@code entries} (in internal-key order) as a table. */
  static TableBuilder.TableInfo write(Path path, List<Entry> entries, int blockSize, int restartInterval,
      int bloomBitsPerKey) throws IOException {
    return write(path, entries, blockSize, restartInterval, bloomBitsPerKey, Compression.NONE);
  }

  /** Writes {@code entries} (in internal-key order) as a table with compressed data blocks. */
  static TableBuilder.TableInfo write(Path path, List<Entry> entries, int blockSize, int restartInterval,
      int bloomBitsPerKey, Compression compression) throws IOException {
    TableBuilder builder = new TableBuilder(LocalFileSystem.INSTANCE.newWritableFile(path), blockSize,
        restartInterval, bloomBitsPerKey, compression);
    for (Entry e : entries) {
      builder.add(e.key(), e.value());
    }
    return builder.finish();
  }

  /** The block handles of the data blocks, the filter and the index, read from the footer. */
  record Layout(List<BlockHandle> dataBlocks, BlockHandle filter, BlockHandle index, long footerOffset) {}

  static Layout layout(Path path) throws IOException {
    return layoutOf(Files.readAllBytes(path), path.toString());
  }

  /** As {@link #layout(Path)}, for a table's bytes held in memory. */
  static Layout layoutOf(byte[] file) {
    return layoutOf(file, "memory.sst");
  }

  private static Layout layoutOf(byte[] file, String name) {
    int footer = file.length - TableFormat.FOOTER_SIZE;
    BlockHandle index = new BlockHandle(Coding.getFixed64(file, footer), Coding.getFixed64(file, footer + 8));
    BlockHandle filter = new BlockHandle(Coding.getFixed64(file, footer + 16), Coding.getFixed64(file, footer + 24));
    byte[] indexContents = Arrays.copyOfRange(file, (int) index.offset(), (int) (index.offset() + index.size()));
    List<BlockHandle> data = new ArrayList<>();
    try (var it = new Block(indexContents, name, index.offset()).iterator(InternalKey::compare)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        data.add(BlockHandle.decode(it.value()));
      }
    }
    return new Layout(data, filter, index, footer);
  }

  /** Flips one bit of byte {@code offset} of the file. */
  static void flip(Path path, long offset) throws IOException {
    byte[] file = Files.readAllBytes(path);
    file[(int) offset] ^= 0x04;
    Files.write(path, file);
  }
}
