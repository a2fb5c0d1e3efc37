package io.stratadb.kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live {@link Segment}s of one window or session store, by id (Kafka's {@code
 * KeyValueSegments}). A timestamp {@code t} belongs to segment {@code t / segmentInterval}; the
 * segment's database lives in {@code <storeDir>/<storeName>.<id * segmentInterval>}, the name
 * Kafka gives its own segments. A segment is live while its id is at least that of {@code
 * streamTime - retentionPeriod}; older ones are closed and their directories deleted, whole.
 *
 * <p>Thread safety: one writer (the stream thread) creates and expires segments; readers
 * (interactive queries) may list them concurrently: the map is a concurrent skip list, and a
 * reader may receive a segment that is closed by the time it reads it.
 */
final class Segments {

  private static final Logger LOG = LoggerFactory.getLogger(Segments.class);

  private final String storeName;
  private final long retentionPeriod;
  private final long segmentInterval;
  private final Path storeDir;
  private final BiFunction<Long, Path, Segment> opener;
  private final NavigableMap<Long, Segment> segments = new ConcurrentSkipListMap<>();

  /**
   * @param storeName the store's name, the prefix of the segment directories
   * @param retentionPeriod ms of stream time a record stays live
   * @param segmentInterval ms of time per segment, at least 1
   * @param storeDir the directory holding the segment directories
   * @param opener opens (creating if absent) the segment of an id in a directory
   */
  Segments(
      String storeName,
      long retentionPeriod,
      long segmentInterval,
      Path storeDir,
      BiFunction<Long, Path, Segment> opener) {
    this.storeName = storeName;
    this.retentionPeriod = retentionPeriod;
    this.segmentInterval = segmentInterval;
    this.storeDir = storeDir;
    this.opener = opener;
  }

  /** The segment id of a timestamp (ms). */
  long segmentId(long timestamp) {
    return timestamp / segmentInterval;
  }

  /** The directory name of a segment. */
  String segmentName(long segmentId) {
    return storeName + "." + segmentId * segmentInterval;
  }

  /** The open segment holding {@code timestamp}, or null. */
  Segment segmentForTimestamp(long timestamp) {
    return segments.get(segmentId(timestamp));
  }

  /**
   * The segment of {@code segmentId}, opened or created, if it is live at {@code streamTime};
   * null if it has expired. Expires the segments that {@code streamTime} leaves behind.
   */
  Segment getOrCreateSegmentIfLive(long segmentId, long streamTime) {
    Segment segment = null;
    if (segmentId >= segmentId(streamTime - retentionPeriod)) {
      segment = getOrCreateSegment(segmentId);
    }
    cleanupExpiredSegments(streamTime);
    return segment;
  }

  private Segment getOrCreateSegment(long segmentId) {
    Segment segment = segments.get(segmentId);
    if (segment == null) {
      segment = opener.apply(segmentId, storeDir.resolve(segmentName(segmentId)));
      segments.put(segmentId, segment);
    }
    return segment;
  }

  /**
   * Opens every segment directory found under the store directory (creating that directory if
   * absent), in id order, then expires those dead at {@code streamTime}. Entries whose names are
   * not {@code <storeName>.<number>} are left alone.
   *
   * @throws ProcessorStateException if the directory cannot be created or listed
   */
  void openExisting(long streamTime) {
    try {
      Files.createDirectories(storeDir);
      List<Long> ids = new ArrayList<>();
      try (Stream<Path> entries = Files.list(storeDir)) {
        entries.forEach(
            p -> {
              long id = segmentIdFromName(p.getFileName().toString());
              if (id >= 0 && Files.isDirectory(p)) {
                ids.add(id);
              }
            });
      }
      ids.stream().sorted().forEach(this::getOrCreateSegment);
    } catch (IOException e) {
      throw new ProcessorStateException("cannot open the segments in " + storeDir, e);
    }
    cleanupExpiredSegments(streamTime);
  }

  private long segmentIdFromName(String name) {
    String prefix = storeName + ".";
    if (!name.startsWith(prefix)) {
      return -1;
    }
    try {
      return segmentId(Long.parseLong(name.substring(prefix.length())));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * The open segments that may hold timestamps in {@code [timeFrom, timeTo]}, in id order when
   * {@code forward}, else in reverse.
   */
  List<Segment> segments(long timeFrom, long timeTo, boolean forward) {
    long fromId = segmentId(timeFrom);
    long toId = segmentId(timeTo);
    if (fromId > toId) {
      return List.of();
    }
    NavigableMap<Long, Segment> range = segments.subMap(fromId, true, toId, true);
    return open(forward ? range.values() : range.descendingMap().values());
  }

  /** Every open segment, in id order when {@code forward}, else in reverse. */
  List<Segment> allSegments(boolean forward) {
    return open(forward ? segments.values() : segments.descendingMap().values());
  }

  private static List<Segment> open(Collection<Segment> values) {
    List<Segment> result = new ArrayList<>();
    for (Segment s : values) {
      if (s.isOpen()) {
        result.add(s);
      }
    }
    return result;
  }

  /** Makes every segment written since its last sync durable ({@link Segment#commit()}). */
  void commit() {
    for (Segment s : segments.values()) {
      s.commit();
    }
  }

  /** Whether every segment holds all its writes through a crash ({@link Segment#holdsAllWrites()}). */
  boolean holdsAllWrites() {
    for (Segment s : segments.values()) {
      if (!s.holdsAllWrites()) {
        return false;
      }
    }
    return true;
  }

  /** The databases of the open segments (for metrics). */
  List<io.stratadb.Db> databases() {
    List<io.stratadb.Db> dbs = new ArrayList<>();
    for (Segment s : allSegments(true)) {
      dbs.add(s.db());
    }
    return dbs;
  }

  /** Closes every segment (keeping the files) and forgets them. */
  void close() {
    RuntimeException first = null;
    for (Segment s : segments.values()) {
      try {
        s.close();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    segments.clear();
    if (first != null) {
      throw first;
    }
  }

  /** Closes and deletes, whole, every segment older than the oldest live at {@code streamTime}. */
  void cleanupExpiredSegments(long streamTime) {
    long minLive = segmentId(streamTime - retentionPeriod);
    for (Map.Entry<Long, Segment> e : segments.headMap(minLive, false).entrySet()) {
      segments.remove(e.getKey());
      try {
        e.getValue().destroy();
      } catch (RuntimeException failure) {
        // As Kafka: the segment is already out of the store; files left behind are found by the
        // next openExisting and expired again.
        LOG.error("cannot delete expired segment {}", e.getValue(), failure);
      }
    }
  }
}
