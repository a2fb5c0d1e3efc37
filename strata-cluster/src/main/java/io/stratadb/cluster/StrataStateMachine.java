package io.stratadb.cluster;

import io.stratadb.Db;
import io.stratadb.Options;
import io.stratadb.StrataIOException;
import io.stratadb.WriteBatch;
import io.stratadb.WriteOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ratis state machine over a StrataDB {@link Db}: each committed log entry is one {@link
 * WriteEntry}, applied as one write batch together with the entry's (term, index) under {@link
 * EntryFormat#APPLIED_KEY}, so the database always knows exactly which entries it holds. Ratis
 * replays the log from the latest snapshot at every start; entries at or below the recorded index
 * are skipped, so a restart applies exactly the entries the database had not applied. The local
 * WAL is not synced: the Raft log (synced by Ratis) is the durable copy, and a database that lost
 * its unsynced tail (a machine crash) is older than its latest snapshot at worst, which {@link
 * #initialize} detects and repairs by restoring the snapshot.
 *
 * <p>Snapshots ({@link #takeSnapshot}) are checkpoints ({@link Db#checkpoint}) kept by {@link
 * CheckpointSnapshots}. A snapshot Ratis installed from the leader is swapped in by {@link
 * #reinitialize}: it is linked into a staging directory and opened there first; only if that
 * works is the live database closed and replaced, and if anything fails the old database is kept
 * (open, at its old position) and the error reported to Ratis.
 *
 * <p>Fail-stop: the applied positions must have no gap (every entry index reaches the state
 * machine in order) and an entry that is committed must be applied. An engine failure while
 * applying (an I/O error, a closed database) or a gap makes this node stop applying for good: the
 * exception escapes {@link #applyTransaction} so that Ratis stops the Raft server (the node then
 * exits, see {@link ClusterServer}), {@link #db()} refuses every read, and the database keeps its
 * position before the entry, which a restart applies again. A write whose condition fails is an
 * answer ({@link EntryFormat#CONFLICT}), and an entry no node can read is skipped on every node
 * alike; neither stops anything.
 *
 * <p>The database lives in {@code <dir>/db}, never under Ratis' {@code sm} directory (which an
 * installed snapshot replaces whole). Thread safety: Ratis calls {@code applyTransaction}, {@code
 * takeSnapshot} and {@code reinitialize} from its one state-machine updater thread; readers use
 * {@link #db()} from any thread (a reader racing a snapshot install may see {@link
 * io.stratadb.DbClosedException}); {@link #awaitApplied} is a monitor on {@code this}, and the
 * applied position moves to a snapshot's only once its database is open.
 */
final class StrataStateMachine extends BaseStateMachine {

  private static final Logger LOG = LoggerFactory.getLogger(StrataStateMachine.class);

  /** How many snapshots one {@link #reinitialize} installs at most, one after another. */
  private static final int MAX_INSTALL_ROUNDS = 8;

  private final Path dbDir;
  private final Options options;
  private final CheckpointSnapshots snapshots = new CheckpointSnapshots();
  private volatile Db db;
  /** Index of the last entry applied to the database (guarded by this for the waiters). */
  private long appliedIndex = -1;
  /**
   * Test-only: runs at each stage of every install, in every node of this JVM: {@code ("staged",
   * staging directory)} before the staged copy is opened, {@code ("swapped", live directory)} after
   * the old database was moved aside and the copy moved into place, before it is opened.
   */
  static volatile BiConsumer<String, Path> testInstallFault;
  /**
   * Why this node stopped applying (fail-stop), or null while it runs: once set, {@link #db()}
   * throws, waiters in {@link #awaitApplied} return, and Ratis has been told to stop the server.
   */
  private volatile RuntimeException failure;
  /** Entries this instance applied (not skipped as replays) and snapshots it installed; for tests. */
  final java.util.concurrent.atomic.AtomicLong appliedEntries = new java.util.concurrent.atomic.AtomicLong();
  final java.util.concurrent.atomic.AtomicLong installedSnapshots = new java.util.concurrent.atomic.AtomicLong();

  /**
   * @param dbDir the live database's directory ({@code <dir>/db})
   * @param options the options the database is opened with (created if missing)
   */
  StrataStateMachine(Path dbDir, Options options) {
    this.dbDir = dbDir;
    this.options = options.toBuilder().createIfMissing(true).build();
  }

  /**
   * The live database; replaced when a snapshot is installed.
   *
   * @throws StrataIOException if this node stopped applying entries ({@link #failure()}): its
   *     database may lack a committed entry, so nothing is read from it
   * @throws io.stratadb.DbClosedException if no database is open (closed, or a snapshot install is
   *     swapping it)
   */
  Db db() {
    RuntimeException f = failure;
    if (f != null) {
      throw new StrataIOException("this cluster node stopped applying the log: " + f.getMessage(), f);
    }
    Db d = db;
    if (d == null) {
      throw new io.stratadb.DbClosedException(dbDir + " (the cluster node's database is not open)");
    }
    return d;
  }

  /** Why this node stopped applying the log (fail-stop), or null while it applies. */
  RuntimeException failure() {
    return failure;
  }

  @Override
  public CheckpointSnapshots getStateMachineStorage() {
    return snapshots;
  }

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage storage) throws IOException {
    super.initialize(server, groupId, storage);
    open(storage.getStorageDir().getStateMachineDir().toPath());
  }

  /**
   * The body of {@link #initialize}, for {@code smDir} (Ratis' state-machine directory); tests call
   * it without a Raft server.
   *
   * @throws IOException if the snapshots cannot be listed or a snapshot restore fails
   */
  void open(Path smDir) throws IOException {
    snapshots.init(smDir);
    Path old = sibling("old");
    if (!Files.exists(dbDir) && Files.exists(old)) { // a crash between the two renames of an install
      Files.move(old, dbDir, StandardCopyOption.ATOMIC_MOVE);
    }
    CheckpointSnapshots.deleteTree(old);
    CheckpointSnapshots.deleteTree(sibling("installing"));
    db = Db.open(dbDir, options);
    TermIndex applied = readApplied(db);
    CheckpointSnapshots.Snapshot latest = snapshots.latest();
    if (latest != null && (applied == null || applied.getIndex() < latest.termIndex().getIndex())) {
      LOG.warn("the database applied {} but the latest snapshot is {}: restoring the snapshot", applied,
          latest.termIndex());
      swapIn(latest);
      applied = readApplied(db);
    }
    setApplied(applied == null ? TermIndex.INITIAL_VALUE : applied);
    LOG.info("{}: database {} at {}", getId(), dbDir, getLastAppliedTermIndex());
  }

  /**
   * Applies one committed entry. Outcomes: a replay of an entry the database holds is answered
   * from nothing; an entry no node can read ({@link InvalidEntryException}) is skipped alike on
   * every node and fails its future; a write whose conditions do not hold applies nothing and
   * answers {@link EntryFormat#CONFLICT} (an application-level answer, not an error). Anything
   * else (an engine failure such as an I/O error, or an entry that would leave a gap in the
   * applied positions) is this node's own failure: the entry is committed and the other replicas
   * apply it, so this node stops applying for good ({@link #failStop}) and the exception escapes to
   * Ratis, which stops the Raft server; the node exits and a restart applies the entry again.
   *
   * @throws IllegalStateException on such a failure (fail-stop)
   */
  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    long term = entry.getTerm();
    long index = entry.getIndex();
    if (index <= appliedIndex()) { // replayed after a restart: the database already holds it
      return CompletableFuture.completedFuture(reply(EntryFormat.APPLIED, index));
    }
    checkNext(index);
    WriteEntry write;
    try {
      write = WriteEntry.decode(entry.getStateMachineLogEntry().getLogData().asReadOnlyByteBuffer());
    } catch (InvalidEntryException e) {
      try {
        record(new WriteBatch(), term, index); // deterministic on every node: skip the entry for good
      } catch (RuntimeException engine) {
        throw failStop(index, engine);
      }
      LOG.error("{}: entry {} is not a write this node can read; skipped: {}", getId(), index, e.getMessage());
      return CompletableFuture.failedFuture(e);
    }
    boolean holds = true;
    try {
      Db d = db();
      for (WriteEntry.Condition c : write.conditions()) {
        if (!c.holds(d.get(c.key()))) {
          holds = false;
          break;
        }
      }
      record(holds ? write.batch() : new WriteBatch(), term, index);
    } catch (RuntimeException e) {
      throw failStop(index, e);
    }
    appliedEntries.incrementAndGet();
    return CompletableFuture.completedFuture(reply(holds ? EntryFormat.APPLIED : EntryFormat.CONFLICT, index));
  }

  /** Writes {@code batch} with the applied position (term, index) and publishes the position. */
  private void record(WriteBatch batch, long term, long index) {
    batch.put(EntryFormat.APPLIED_KEY, encodeApplied(term, index));
    db().write(batch, WriteOptions.defaults());
    setApplied(TermIndex.valueOf(term, index));
  }

  /**
   * Checks that {@code index} is the entry right after the last one applied: Ratis hands every
   * log entry to the state machine in order (data entries to {@link #applyTransaction}, the others
   * to {@link #notifyTermIndexUpdated}), so a gap means the database lacks committed entries.
   *
   * @throws IllegalStateException (after {@link #failStop}) if there is a gap
   */
  private void checkNext(long index) {
    long applied = appliedIndex();
    if (index != applied + 1) {
      throw failStop(index, new IllegalStateException("entry " + index + " follows entry " + applied
          + ": the database would lack the entries between"));
    }
  }

  /**
   * Fail-stop: records why this node stops applying, wakes the waiters, and returns the exception
   * to throw to Ratis (which then stops the Raft server). The database keeps its position before
   * entry {@code index}, so a restart applies it again.
   */
  private IllegalStateException failStop(long index, RuntimeException cause) {
    IllegalStateException e = new IllegalStateException("applying entry " + index + " failed on this node ("
        + cause + "); it stops applying, its database stays at entry " + appliedIndex(), cause);
    synchronized (this) {
      if (failure == null) {
        failure = e;
      }
      notifyAll();
    }
    LOG.error("{}: {}", getId(), e.getMessage(), cause);
    return e;
  }

  /**
   * A configuration or metadata entry: nothing to apply, but the position moves on. Replays of
   * entries the database already holds stay behind it.
   *
   * @throws IllegalStateException (fail-stop) if {@code index} leaves a gap after the last entry
   */
  @Override
  public void notifyTermIndexUpdated(long term, long index) {
    if (index > appliedIndex()) {
      checkNext(index);
      setApplied(TermIndex.valueOf(term, index));
    }
  }

  @Override
  public CompletableFuture<Message> query(Message request) {
    try {
      ByteBuffer in = request.getContent().asReadOnlyByteBuffer();
      byte kind = in.get();
      if (kind == EntryFormat.QUERY_APPLIED) {
        return CompletableFuture.completedFuture(Message.valueOf(
            ByteString.copyFrom(ByteBuffer.allocate(8).putLong(0, appliedIndex()))));
      }
      if (kind == EntryFormat.QUERY_GET) {
        byte[] key = new byte[in.remaining()];
        in.get(key);
        byte[] value = ReplicaDb.isReserved(key) ? null : db().get(key);
        ByteBuffer out = ByteBuffer.allocate(1 + (value == null ? 0 : value.length));
        out.put((byte) (value == null ? 0 : 1));
        if (value != null) {
          out.put(value);
        }
        return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(out.flip())));
      }
      return CompletableFuture.failedFuture(new InvalidEntryException("unknown query kind " + kind));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Makes a checkpoint of the database at the last applied position. Ratis calls it on the
   * updater thread, so no entry is applied meanwhile; the position is written first so that the
   * checkpoint holds it even when the last entries were configuration entries.
   *
   * @return the snapshot's index, or -1 if nothing was applied yet
   */
  @Override
  public long takeSnapshot() throws IOException {
    TermIndex ti = getLastAppliedTermIndex();
    if (ti == null || ti.getIndex() < 0) {
      return -1;
    }
    Path target = snapshots.pathFor(ti);
    if (Files.exists(target)) {
      return ti.getIndex();
    }
    try {
      Db d = db();
      d.put(EntryFormat.APPLIED_KEY, encodeApplied(ti.getTerm(), ti.getIndex()));
      d.checkpoint(target);
    } catch (RuntimeException e) {
      throw new IOException("cannot take a snapshot at " + ti + " in " + target, e);
    }
    snapshots.added(ti);
    LOG.info("{}: snapshot at {} in {}", getId(), ti, target);
    return ti.getIndex();
  }

  /** Ratis pauses the state machine before it installs a snapshot; {@link #reinitialize} resumes it. */
  @Override
  public void pause() {
    LifeCycle lc = getLifeCycle();
    if (lc.getCurrentState() == LifeCycle.State.NEW) {
      lc.transition(LifeCycle.State.STARTING);
      lc.transition(LifeCycle.State.RUNNING);
    }
    if (lc.getCurrentState() == LifeCycle.State.RUNNING) {
      lc.transition(LifeCycle.State.PAUSING);
      lc.transition(LifeCycle.State.PAUSED);
    }
  }

  /**
   * Swaps in the snapshot Ratis just installed into the {@code sm} directory (it paused the state
   * machine first). On failure the old database stays open at its old position, and the error
   * goes to Ratis (which stops the Raft server); if not even the old database opens again, this
   * node fails stop.
   *
   * @throws IOException if the snapshot could not be installed
   */
  @Override
  public void reinitialize() throws IOException {
    try {
      install();
    } finally {
      LifeCycle lc = getLifeCycle();
      if (lc.getCurrentState() == LifeCycle.State.PAUSED) {
        lc.transition(LifeCycle.State.STARTING);
        lc.transition(LifeCycle.State.RUNNING);
      }
    }
  }

  /**
   * Installs the newest snapshot in the state-machine directory, and again while a newer one
   * arrived meanwhile. Ratis 3.2.2 can receive a second snapshot while the updater is reloading
   * the first: it renames it over {@code sm}, and its request to reload again is lost (the
   * updater's reload ends by setting its state back to running). Right after {@link
   * #reinitialize} returns, Ratis sets its applied index from {@link #getLatestSnapshot}: had the
   * first snapshot been installed alone, that index was the second's, the database the first's,
   * and the entries between never reached the database (SnapshotNemesisTest: snapshot 650
   * installed, Ratis went on at entry 702; the stale reads of that test). A snapshot that lands
   * after the last check here still cannot leave a hole: its next entry does not follow the
   * database's position, and the node fails stop ({@link #checkNext}); a restart restores it.
   */
  private void install() throws IOException {
    for (int round = 0; ; round++) {
      CheckpointSnapshots.Snapshot latest = snapshots.reload();
      if (latest == null || latest.termIndex().getIndex() <= appliedIndex()) {
        if (round == 0) {
          LOG.info("{}: reinitialize: nothing newer than {} to install", getId(), getLastAppliedTermIndex());
        }
        return;
      }
      try {
        swapIn(latest);
      } catch (IOException e) {
        CheckpointSnapshots.Snapshot now = snapshots.reload(); // replaced by a newer one under the install?
        if (failure == null && round < MAX_INSTALL_ROUNDS && now != null
            && now.termIndex().getIndex() > latest.termIndex().getIndex()) {
          LOG.warn("{}: installing {} failed while Ratis received {}; installing that", getId(), latest.dir(),
              now.dir(), e);
          continue;
        }
        throw e;
      }
      installedSnapshots.incrementAndGet();
      TermIndex applied = readApplied(db);
      setApplied(applied);
      LOG.info("{}: installed the snapshot {}; database at {}", getId(), latest.dir(), applied);
      if (round >= MAX_INSTALL_ROUNDS) {
        return;
      }
    }
  }

  /**
   * Replaces the live database with a copy of {@code snapshot}: hard-links its files into {@code
   * <db>.installing}, checks that every table its manifest names is there whole ({@link
   * CheckpointSnapshots#checkComplete}), opens it to check it holds the snapshot's position, then closes the live
   * database, renames it to {@code <db>.old}, renames the staging copy into place and opens it.
   *
   * @throws IOException if any step fails; the previous database is open again then
   */
  private void swapIn(CheckpointSnapshots.Snapshot snapshot) throws IOException {
    Path staging = sibling("installing");
    Path old = sibling("old");
    CheckpointSnapshots.deleteTree(staging);
    Files.createDirectories(staging);
    try (Stream<Path> files = Files.list(snapshot.dir())) {
      for (Path f : files.toList()) {
        String name = f.getFileName().toString();
        if (!name.endsWith(CheckpointSnapshots.MD5_SUFFIX)) {
          link(f, staging.resolve(name));
        }
      }
    }
    fault("staged", staging);
    try {
      CheckpointSnapshots.checkComplete(staging);
    } catch (IOException e) {
      CheckpointSnapshots.deleteTree(staging);
      throw new IOException("the snapshot " + snapshot.dir() + " is not whole; keeping the database at "
          + getLastAppliedTermIndex(), e);
    }
    try (Db check = Db.open(staging, existing())) {
      TermIndex got = readApplied(check);
      if (got == null || got.getIndex() != snapshot.termIndex().getIndex()) {
        throw new IOException("snapshot " + snapshot.dir() + " holds position " + got + ", not "
            + snapshot.termIndex());
      }
    } catch (RuntimeException e) {
      CheckpointSnapshots.deleteTree(staging);
      throw new IOException("the snapshot " + snapshot.dir() + " does not open; keeping the database at "
          + getLastAppliedTermIndex(), e);
    }
    Db previous = db;
    db = null; // readers get DbClosedException until a database is open again
    try {
      previous.close();
      Files.move(dbDir, old, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      reopenOld(old, e); // the live directory was not moved: it is the old database
      throw new IOException("cannot set the database at " + getLastAppliedTermIndex() + " aside to install "
          + snapshot.dir() + "; kept it", e);
    }
    try {
      Files.move(staging, dbDir, StandardCopyOption.ATOMIC_MOVE);
      fault("swapped", dbDir);
      db = Db.open(dbDir, existing());
    } catch (IOException | RuntimeException e) {
      reopenOld(old, e);
      throw new IOException("installing the snapshot " + snapshot.dir() + " failed; kept the database at "
          + getLastAppliedTermIndex(), e);
    }
    CheckpointSnapshots.deleteTree(old);
  }

  /**
   * Puts the old database back after a failed swap and opens it: if {@code old} exists, what
   * {@code dbDir} holds is the copy that failed, so it is deleted and {@code old} moved back; then
   * the database is opened. If even that fails the node has no database: it fails stop (a
   * restart repairs the directories, see {@link #open}).
   */
  private void reopenOld(Path old, Exception cause) {
    try {
      if (Files.exists(old)) {
        CheckpointSnapshots.deleteTree(dbDir);
        Files.move(old, dbDir, StandardCopyOption.ATOMIC_MOVE);
      }
      db = Db.open(dbDir, existing());
    } catch (IOException | RuntimeException e) {
      cause.addSuppressed(e);
      failStop(appliedIndex() + 1, new IllegalStateException("the database at " + dbDir
          + " could not be reopened after a failed snapshot install", e));
    }
  }

  /** The options for a database that must exist already (never a new, empty one). */
  private Options existing() {
    return options.toBuilder().createIfMissing(false).build();
  }

  private static void fault(String stage, Path dir) {
    BiConsumer<String, Path> f = testInstallFault;
    if (f != null) {
      f.accept(stage, dir);
    }
  }

  private static void link(Path from, Path to) throws IOException {
    try {
      Files.createLink(to, from);
    } catch (IOException | UnsupportedOperationException e) {
      Files.copy(from, to);
    }
  }

  private Path sibling(String suffix) {
    return dbDir.resolveSibling(dbDir.getFileName() + "." + suffix);
  }

  /**
   * Waits until the database has applied {@code index}, {@code timeoutMillis} pass, or this node
   * stops applying ({@link #failure()}); returns whether it has applied it.
   */
  synchronized boolean awaitApplied(long index, long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
    while (appliedIndex < index) {
      if (failure != null) {
        return false;
      }
      long left = (deadline - System.nanoTime()) / 1_000_000L;
      if (left <= 0) {
        return false;
      }
      wait(left);
    }
    return true;
  }

  /** The index of the last entry applied (or passed over: configuration entries). */
  synchronized long appliedIndex() {
    return appliedIndex;
  }

  private synchronized void setApplied(TermIndex ti) {
    setLastAppliedTermIndex(ti);
    appliedIndex = ti.getIndex();
    notifyAll();
  }

  /** The applied position a database holds, or null if it holds none (new). */
  static TermIndex readApplied(Db d) {
    byte[] v = d.get(EntryFormat.APPLIED_KEY);
    if (v == null) {
      return null;
    }
    if (v.length != EntryFormat.APPLIED_VALUE_BYTES) {
      throw new InvalidEntryException("applied position of " + v.length + " bytes, not "
          + EntryFormat.APPLIED_VALUE_BYTES);
    }
    ByteBuffer b = ByteBuffer.wrap(v);
    return TermIndex.valueOf(b.getLong(), b.getLong());
  }

  static byte[] encodeApplied(long term, long index) {
    return ByteBuffer.allocate(EntryFormat.APPLIED_VALUE_BYTES).putLong(term).putLong(index).array();
  }

  static Message reply(byte status, long index) {
    return Message.valueOf(ByteString.copyFrom(ByteBuffer.allocate(9).put(status).putLong(index).flip()));
  }

  @Override
  public void close() throws IOException {
    Db d = db;
    db = null;
    if (d != null) {
      d.close();
    }
    super.close();
  }
}
