package io.stratadb.cluster;

import io.stratadb.admin.DbFileName;
import io.stratadb.admin.ManifestDumper;
import io.stratadb.admin.TableFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotRetentionPolicy;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.impl.FileListSnapshotInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state machine's snapshots: each one a StrataDB checkpoint ({@link io.stratadb.Db#checkpoint},
 * SSTables hard-linked) in a directory {@code snapshot.<term>_<index>} of Ratis' state-machine
 * directory ({@code <raft storage>/<group>/sm}). Ratis sends a snapshot's files to a follower that
 * needs them ({@link FileListSnapshotInfo}), writes them into its temporary directory, and renames
 * that over the follower's whole {@code sm} directory before it calls the state machine's {@code
 * reinitialize}: so the live database must never live under {@code sm}, and does not (it is
 * {@code <dir>/db}). Ratis leaves a {@code .md5} file beside each file it received; they are not
 * part of the checkpoint and are skipped when it is installed.
 *
 * <p>Thread-safe: the latest snapshot is published through a volatile field.
 */
final class CheckpointSnapshots implements StateMachineStorage {

  private static final Logger LOG = LoggerFactory.getLogger(CheckpointSnapshots.class);
  private static final Pattern NAME = Pattern.compile("snapshot\\.(\\d+)_(\\d+)");
  /** The suffix of the digest files Ratis writes beside the files of an installed snapshot. */
  static final String MD5_SUFFIX = ".md5";

  private volatile Path dir;
  private volatile Snapshot latest;

  /** A snapshot: its directory and position. */
  record Snapshot(Path dir, TermIndex termIndex) {}

  @Override
  public void init(RaftStorage storage) throws IOException {
    init(storage.getStorageDir().getStateMachineDir().toPath());
  }

  /** As {@link #init(RaftStorage)}, for the state-machine directory {@code smDir} itself. */
  void init(Path smDir) throws IOException {
    dir = smDir;
    Files.createDirectories(dir);
    try (Stream<Path> s = Files.list(dir)) { // a checkpoint a crash interrupted: never a snapshot
      for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList()) {
        LOG.info("removing the unfinished checkpoint {}", p);
        deleteTree(p);
      }
    }
    reload();
  }

  /** Scans the directory again (after Ratis installed a snapshot there) and returns the latest. */
  Snapshot reload() throws IOException {
    List<Snapshot> all = list();
    latest = all.isEmpty() ? null : all.get(all.size() - 1);
    return latest;
  }

  /** The latest snapshot, or null. */
  Snapshot latest() {
    return latest;
  }

  /** The directory a snapshot at {@code ti} is made in; must not exist. */
  Path pathFor(TermIndex ti) {
    return dir.resolve("snapshot." + ti.getTerm() + "_" + ti.getIndex());
  }

  /** Records a snapshot just made at {@code ti} in {@link #pathFor}. */
  void added(TermIndex ti) {
    Snapshot s = latest;
    if (s == null || ti.getIndex() > s.termIndex().getIndex()) {
      latest = new Snapshot(pathFor(ti), ti);
    }
  }

  /** Every snapshot, oldest first. */
  private List<Snapshot> list() throws IOException {
    List<Snapshot> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        if (m.matches() && Files.isDirectory(p)) {
          out.add(new Snapshot(p, TermIndex.valueOf(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)))));
        }
      }
    }
    out.sort(Comparator.comparingLong(x -> x.termIndex().getIndex()));
    return out;
  }

  /**
   * The latest snapshot on disk, or null if there is none or the directory cannot be read. Never
   * throws: Ratis calls it from paths (purging the log after it installed a snapshot, before it
   * calls {@code reinitialize}) where an exception stops the whole Raft server. When the
   * snapshot last recorded has vanished (Ratis renamed a received snapshot over the whole {@code
   * sm} directory), the directory is scanned again and the snapshot found there is returned.
   */
  @Override
  public FileListSnapshotInfo getLatestSnapshot() {
    for (int attempt = 0; attempt < 3; attempt++) {
      Snapshot s = latest;
      if (s == null || !Files.isDirectory(s.dir())) {
        try {
          s = reload();
        } catch (IOException | UncheckedIOException e) {
          LOG.warn("cannot scan the snapshots in {}: {}", dir, e.toString());
          return null;
        }
        if (s == null) {
          return null;
        }
      }
      try (Stream<Path> files = Files.list(s.dir())) {
        List<FileInfo> infos = files.filter(p -> !p.getFileName().toString().endsWith(MD5_SUFFIX))
            .sorted().map(p -> new FileInfo(p.toAbsolutePath(), null)).toList();
        return new FileListSnapshotInfo(infos, s.termIndex());
      } catch (IOException | UncheckedIOException e) { // replaced between the check and the listing
        LOG.info("the snapshot {} vanished ({}); scanning {} again", s.dir(), e.toString(), dir);
        latest = null;
      }
    }
    LOG.warn("the snapshots in {} keep changing; reporting none", dir);
    return null;
  }

  @Override
  public void format() {
    // nothing: the directory is created by init
  }

  /** Keeps the newest {@code policy.getNumSnapshotsRetained()} snapshots (at least one). */
  @Override
  public void cleanupOldSnapshots(SnapshotRetentionPolicy policy) throws IOException {
    int keep = Math.max(1, policy == null ? 2 : policy.getNumSnapshotsRetained());
    List<Snapshot> all = list();
    for (int i = 0; i < all.size() - keep; i++) {
      LOG.info("removing the old snapshot {}", all.get(i).dir());
      deleteTree(all.get(i).dir());
    }
  }

  /**
   * Checks that the checkpoint in {@code checkpoint} is whole: {@code CURRENT} names a manifest
   * that is there and reads, and every SSTable of the version it records is there with the size it
   * records. Ratis writes a received snapshot's files one by one and renames its directory over
   * {@code sm}, so a listing made meanwhile can see part of them; a checkpoint missing a table
   * still opens (tables are opened when first read) and would lose that table's data. The WALs
   * are not recorded in the manifest: a missing one shows as an applied position below the
   * snapshot's, which the caller checks after opening the copy.
   *
   * @throws IOException naming the first missing or short table, or if the manifest cannot be read
   */
  static void checkComplete(Path checkpoint) throws IOException {
    java.util.Map<Long, Long> sizes = new java.util.HashMap<>(); // table number -> bytes on disk
    try (Stream<Path> files = Files.list(checkpoint)) {
      for (Path f : files.toList()) {
        Optional<DbFileName> name = DbFileName.parse(f.getFileName().toString());
        if (name.isPresent() && name.get().kind() == DbFileName.Kind.TABLE) {
          sizes.put(name.get().number(), Files.size(f));
        }
      }
    }
    ManifestDumper.Result manifest;
    try {
      manifest = ManifestDumper.dump(ManifestDumper.currentManifest(checkpoint), edit -> { });
    } catch (RuntimeException e) { // no CURRENT, its manifest missing, damaged or unreadable
      throw new IOException("the checkpoint " + checkpoint + " has no readable manifest: " + e.getMessage(), e);
    }
    for (List<TableFile> level : manifest.levels()) {
      for (TableFile table : level) {
        Long size = sizes.get(table.number());
        if (size == null || size != table.size()) {
          throw new IOException("the checkpoint " + checkpoint + " is incomplete: table " + table.number()
              + (size == null ? " is missing" : " holds " + size + " bytes, its manifest records " + table.size()));
        }
      }
    }
  }

  /** Deletes {@code root} and everything under it, if it exists. */
  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
