package io.stratadb.kafka;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.query.Position;

/**
 * The file that keeps a store's IQv2 {@link Position} across restarts, written at each Kafka
 * Streams commit. A text file, written to a temporary file and renamed over the old one:
 *
 * <pre>
 * strata-position 1          (header: format name and version)
 * topic TAB partition TAB offset
 * ...                        (one line per input partition the store has seen)
 * </pre>
 *
 * <p>Topic names cannot hold tabs or line breaks (Kafka allows {@code [a-zA-Z0-9._-]}).
 * Not thread-safe: the store's owner calls it.
 */
final class PositionFile {

  private static final String HEADER = "strata-position 1";

  private final Path file;

  /** A position file at {@code file}. */
  PositionFile(Path file) {
    this.file = file;
  }

  /** The position file of the store whose database lives in {@code storeDir}: a sibling. */
  static PositionFile besides(Path storeDir) {
    return new PositionFile(storeDir.resolveSibling(storeDir.getFileName() + ".position"));
  }

  /**
   * Reads the position, or the empty position if the file does not exist.
   *
   * @throws ProcessorStateException if the file cannot be read or is not a position file
   */
  Position read() {
    if (!Files.exists(file)) {
      return Position.emptyPosition();
    }
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
        throw new ProcessorStateException("Not a StrataDB position file: " + file);
      }
      Map<String, Map<Integer, Long>> map = new HashMap<>();
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.split("\t");
        if (f.length != 3) {
          throw new ProcessorStateException("Malformed line in position file " + file + ": " + line);
        }
        map.computeIfAbsent(f[0], t -> new HashMap<>()).put(Integer.parseInt(f[1]), Long.parseLong(f[2]));
      }
      return Position.fromMap(map);
    } catch (IOException | NumberFormatException e) {
      throw new ProcessorStateException("Error reading position file " + file, e);
    }
  }

  /**
   * Replaces the file with {@code position}, atomically (a rename). With {@code durable} the new
   * file is fsynced first and its directory after; without, it reaches the operating system only, as the store's own writes
   * do between commits, so a crashed process loses nothing but a power loss may.
   *
   * @throws ProcessorStateException if the file cannot be written
   */
  void write(Position position, boolean durable) {
    StringBuilder sb = new StringBuilder(HEADER).append('\n');
    for (String topic : position.getTopics()) {
      for (Map.Entry<Integer, Long> e : position.getPartitionPositions(topic).entrySet()) {
        sb.append(topic).append('\t').append(e.getKey()).append('\t').append(e.getValue()).append('\n');
      }
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.createDirectories(file.getParent());
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        ch.write(java.nio.ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8)));
        if (durable) {
          ch.force(true);
        }
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      if (durable) { // the rename itself
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
          dir.force(true);
        }
      }
    } catch (IOException e) {
      throw new ProcessorStateException("Error writing position file " + file, e);
    }
  }
}
