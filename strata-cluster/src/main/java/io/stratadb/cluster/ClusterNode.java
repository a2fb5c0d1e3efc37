package io.stratadb.cluster;

import io.stratadb.Db;
import io.stratadb.Options;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member of a StrataDB cluster: a Ratis server (gRPC transport) running {@link
 * StrataStateMachine} over the database in {@code <dir>/db}, with {@value #WRITE_CLIENTS} Raft
 * clients that forward writes to the leader. The building block of {@link ReplicatedDb} and of the Redis front ({@link
 * ClusterServerMain}).
 *
 * <p>Writes ({@link #submit}) go to the leader through a client and return once the entry is
 * committed, applied by the leader, and applied to this node's database too (so a read here sees
 * it). Linearizable reads ({@link #awaitReadable}) ask this node's server for a read index
 * (Ratis' {@code LINEARIZABLE} read option: a follower asks the leader for its commit index and
 * waits until it has applied that far), then wait until the database holds the commit index
 * seen then; stale reads skip that. The leader restarts its stalled log appenders ({@link
 * AppenderRestarts}).
 *
 * <p>Timing (ms): election timeout 1000-2000, request timeout 3000, writes given up after
 * {@value #WRITE_TIMEOUT_MS} (then reported as indeterminate), read indexes after {@value
 * #READ_TIMEOUT_MS}. Snapshots every {@value #SNAPSHOT_EVERY} entries, the log purged behind them
 * keeping {@value #PURGE_GAP} entries. Thread-safe.
 */
public final class ClusterNode implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);

  /** The one Raft group of a cluster. */
  static final RaftGroupId GROUP_ID =
      RaftGroupId.valueOf(UUID.nameUUIDFromBytes("strata-cluster".getBytes(StandardCharsets.US_ASCII)));
  static final long WRITE_TIMEOUT_MS = 15_000;
  static final long READ_TIMEOUT_MS = 10_000;
  static final long SNAPSHOT_EVERY = 100_000;
  static final int PURGE_GAP = 1024;
  /**
   * Raft clients a node sends its writes through, round robin. One client's async requests are
   * ordered (one stream, replies in order): with 8, SET through the leader went from 3,162 to
   * 3,974 ops/s in one run of redis-benchmark (docs/cluster.md, Measurements).
   */
  static final int WRITE_CLIENTS = 8;

  private final NodeConfig config;
  private final Options options;
  private final StrataStateMachine stateMachine;
  private final RaftServer server;
  private final RaftClient client;
  /** The clients writes go through, round robin ({@code client} is the first). */
  private final RaftClient[] writeClients;
  private final AtomicLong nextWriteClient = new AtomicLong();
  private final RaftPeerId selfId;
  private final ClientId localReadClient = ClientId.randomId();
  private final AppenderRestarts appenderRestarts;
  private final AtomicLong callIds = new AtomicLong();

  private ClusterNode(NodeConfig config, Options options, StrataStateMachine stateMachine, RaftServer server,
      RaftClient[] writeClients) {
    RaftClient client = writeClients[0];
    this.writeClients = writeClients;
    this.config = config;
    this.options = options;
    this.stateMachine = stateMachine;
    this.server = server;
    this.client = client;
    this.selfId = RaftPeerId.valueOf(config.nodeId());
    this.appenderRestarts = new AppenderRestarts(this);
  }

  /**
   * Starts the node with the default tuning ({@link Tuning#DEFAULTS}).
   *
   * @param config where the node lives and whom it dials
   * @param options the database's options (the node opens it, created if missing)
   * @see #start(NodeConfig, Options, Tuning)
   * @return the started node; close it to leave the group's elections and close the database
   * @throws IOException if the storage cannot be opened or the port bound
   */
  public static ClusterNode start(NodeConfig config, Options options) throws IOException {
    return start(config, options, Tuning.DEFAULTS);
  }

  /**
   * Starts the node: opens (or recovers) its database and Raft storage under {@link
   * NodeConfig#dir()}, binds its Raft port, and joins the group's elections. Returns at once;
   * {@link #leaderId()} is null until a leader is known.
   *
   * @param config where the node lives and whom it dials
   * @param options the database's options (the node opens it, created if missing)
   * @param tuning election timeout, snapshot interval, log purge gap and segment size
   * @return the started node; close it to leave the group's elections and close the database
   * @throws IOException if the storage cannot be opened or the port bound
   */
  public static ClusterNode start(NodeConfig config, Options options, Tuning tuning) throws IOException {
    Files.createDirectories(config.dir());
    RaftProperties p = new RaftProperties();
    RaftServerConfigKeys.setStorageDir(p, List.of(config.dir().resolve("raft").toFile()));
    GrpcConfigKeys.Server.setHost(p, config.raftAddress().getHostString());
    GrpcConfigKeys.Server.setPort(p, config.raftAddress().getPort());
    RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(tuning.electionMinMs(), TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(2 * tuning.electionMinMs(), TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
    RaftServerConfigKeys.Read.setTimeout(p, TimeDuration.valueOf(READ_TIMEOUT_MS, TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.Read.setLeaderLeaseEnabled(p, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, tuning.snapshotEvery());
    RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
    RaftServerConfigKeys.Log.setPurgeGap(p, tuning.purgeGap());
    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
    RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(tuning.segmentBytes()));
    RaftServerConfigKeys.Log.Appender.setInstallSnapshotEnabled(p, true);
    RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(3, TimeUnit.SECONDS));

    RaftGroup group = config.join() ? RaftGroup.valueOf(GROUP_ID) : RaftGroup.valueOf(GROUP_ID, peers(config.peers()));
    StrataStateMachine sm = new StrataStateMachine(config.dir().resolve("db"), options);
    RaftServer server = RaftServer.newBuilder()
        .setServerId(RaftPeerId.valueOf(config.nodeId()))
        .setGroup(group)
        .setStateMachine(sm)
        .setProperties(p)
        .setOption(RaftStorage.StartupOption.RECOVER)
        .build();
    server.start();
    RaftClient[] clients = new RaftClient[WRITE_CLIENTS];
    for (int i = 0; i < clients.length; i++) {
      clients[i] = RaftClient.newBuilder()
          .setProperties(p)
          .setRaftGroup(RaftGroup.valueOf(GROUP_ID, peers(config.peers())))
          .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(
              (int) (WRITE_TIMEOUT_MS / 200), TimeDuration.valueOf(200, TimeUnit.MILLISECONDS)))
          .build();
    }
    LOG.info("cluster node {} started: raft {} (bound), peers {}", config.nodeId(), config.raftAddress(), config.peers());
    return new ClusterNode(config, options, sm, server, clients);
  }

  /** Timing knobs; tests shrink them. */
  public record Tuning(long electionMinMs, long snapshotEvery, int purgeGap, long segmentBytes) {
    /** Elections after 1-2 s, a snapshot every 100,000 entries, 1024 entries kept before it, 8 MiB segments. */
    public static final Tuning DEFAULTS = new Tuning(1000, SNAPSHOT_EVERY, PURGE_GAP, 8L << 20);
  }

  static List<RaftPeer> peers(Map<String, InetSocketAddress> peers) {
    List<RaftPeer> out = new ArrayList<>();
    peers.forEach((id, a) -> out.add(RaftPeer.newBuilder().setId(id).setAddress(NodeConfig.format(a)).build()));
    return out;
  }

  /** {@return the node's configuration} */
  public NodeConfig config() {
    return config;
  }

  /** {@return a read-only view of the local replica, hiding the state machine's key} */
  public Db replica() {
    return new ReplicaDb(stateMachine::db);
  }

  StrataStateMachine stateMachine() {
    return stateMachine;
  }

  RaftServer.Division division() throws IOException {
    return server.getDivision(GROUP_ID);
  }

  /**
   * Checks, before a write is proposed, what every replica's database would refuse when applying
   * it: the state machine's reserved key, and keys or values over this node's size limits (the
   * nodes of a cluster share their database options). A refused entry would otherwise be committed
   * and stop every node that applies it.
   *
   * @throws IllegalArgumentException naming the first offending key
   */
  void checkWritable(io.stratadb.WriteBatch batch) {
    int maxKey = options.maxKeySize();
    int maxValue = options.maxValueSize();
    batch.forEach(new io.stratadb.WriteBatch.View() {
      @Override
      public void put(byte[] buf, int keyOffset, int keyLength, int valueOffset, int valueLength) {
        check(buf, keyOffset, keyLength);
        if (valueLength > maxValue) {
          throw new IllegalArgumentException("a value of " + valueLength + " bytes exceeds the limit of "
              + maxValue + " bytes");
        }
      }

      @Override
      public void delete(byte[] buf, int keyOffset, int keyLength) {
        check(buf, keyOffset, keyLength);
      }

      private void check(byte[] buf, int offset, int length) {
        if (length > maxKey) {
          throw new IllegalArgumentException("a key of " + length + " bytes exceeds the limit of " + maxKey + " bytes");
        }
        if (java.util.Arrays.equals(buf, offset, offset + length, EntryFormat.APPLIED_KEY, 0,
            EntryFormat.APPLIED_KEY.length)) {
          throw new IllegalArgumentException("the key is reserved for the replication state machine");
        }
      }
    });
  }

  /** The outcome of a write: whether its conditions held (so it applied), and its log index. */
  public record Outcome(boolean applied, long index) {}

  /**
   * Commits one encoded {@link WriteEntry} and waits until it is applied here too.
   *
   * @throws ClusterException if it failed: {@link ClusterException#indeterminate()} says whether
   *     it may have been applied anyway
   */
  Outcome submit(byte[] entry) {
    RaftClientReply reply;
    try {
      RaftClient c = writeClients[(int) (nextWriteClient.getAndIncrement() % writeClients.length)];
      reply = c.async().send(Message.valueOf(ByteString.copyFrom(entry)))
          .get(WRITE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClusterException("interrupted while waiting for the write to commit", true, e);
    } catch (TimeoutException e) {
      throw new ClusterException("the write did not commit within " + WRITE_TIMEOUT_MS + " ms", true, e);
    } catch (ExecutionException e) {
      throw new ClusterException("the write may not have committed: " + e.getCause(), true, e.getCause());
    }
    if (!reply.isSuccess()) {
      if (reply.getException() instanceof StateMachineException sme) {
        throw new ClusterException("the state machine refused the write: " + sme.getMessage(), false, sme);
      }
      throw new ClusterException("the write may not have committed: " + reply.getException(), true,
          reply.getException());
    }
    ByteBuffer b = reply.getMessage().getContent().asReadOnlyByteBuffer();
    byte status = b.get();
    long index = b.getLong();
    awaitLocallyApplied(index);
    return new Outcome(status == EntryFormat.APPLIED, index);
  }

  /** Waits until this node's database has applied {@code index}; a committed write is acknowledged after. */
  private void awaitLocallyApplied(long index) {
    awaitDatabase(index, WRITE_TIMEOUT_MS, true);
  }

  /**
   * Waits until this node's database (not Ratis' own count) has applied {@code index}.
   *
   * @param indeterminate what the {@link ClusterException} says when the wait fails
   * @throws ClusterException if it has not within {@code timeoutMillis}, or this node stopped
   *     applying the log (fail-stop)
   */
  private void awaitDatabase(long index, long timeoutMillis, boolean indeterminate) {
    try {
      if (!stateMachine.awaitApplied(index, timeoutMillis)) {
        RuntimeException failure = stateMachine.failure();
        throw new ClusterException(failure != null ? "this node stopped applying the log: " + failure.getMessage()
            : "entry " + index + " is committed but this node has not applied it within " + timeoutMillis + " ms",
            indeterminate, failure);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClusterException("interrupted while waiting for entry " + index + " to apply here", indeterminate, e);
    }
  }

  /**
   * Returns once the local replica holds every write committed before the call: a read index
   * from this node's server (a follower asks the leader), or at once with stale reads.
   *
   * @throws ClusterException if no read index could be had (no leader, timeout)
   */
  public void awaitReadable() {
    if (!config.staleReads()) {
      awaitReadIndex();
    }
  }

  /**
   * Returns once the local replica holds every write committed before the call (a Raft read
   * index), whatever the node's read mode.
   *
   * @throws ClusterException if no read index could be had (no leader, timeout)
   */
  public void awaitReadIndex() {
    RaftClientRequest request = RaftClientRequest.newBuilder()
        .setClientId(localReadClient)
        .setServerId(selfId)
        .setGroupId(GROUP_ID)
        .setCallId(callIds.incrementAndGet())
        .setMessage(Message.valueOf(ByteString.copyFrom(new byte[] {EntryFormat.QUERY_APPLIED})))
        .setType(RaftClientRequest.readRequestType())
        .build();
    RaftClientReply reply;
    try {
      reply = server.submitClientRequestAsync(request).get(READ_TIMEOUT_MS + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClusterException("interrupted while waiting for a read index", false, e);
    } catch (IOException | ExecutionException | TimeoutException e) {
      throw new ClusterException("no read index: " + e, false, e);
    }
    if (!reply.isSuccess()) {
      throw new ClusterException("no read index: " + reply.getException(), false, reply.getException());
    }
    // Ratis released the read once its own applied index reached the read index. The read sees the
    // database, so also wait until the database holds every entry this node knows to be committed
    // now (at least the read index): Ratis' count and the database's position are kept apart, and a
    // snapshot install moves both.
    long committed;
    try {
      committed = division().getRaftLog().getLastCommittedIndex();
    } catch (IOException e) {
      throw new ClusterException("no read index: " + e, false, e);
    }
    awaitDatabase(committed, READ_TIMEOUT_MS, false);
  }

  /** {@return the leader's id as this node knows it, or null} */
  public String leaderId() {
    try {
      RaftPeerId id = division().getInfo().getLeaderId();
      return id == null ? null : id.toString();
    } catch (IOException e) {
      return null;
    }
  }

  /** {@return whether this node leads} */
  public boolean isLeader() {
    try {
      return division().getInfo().isLeader();
    } catch (IOException e) {
      return false;
    }
  }

  /** {@return the index of the last entry applied to this node's database} */
  public long appliedIndex() {
    return stateMachine.appliedIndex();
  }

  /**
   * Whether this node's Raft server, or its division of the group, has stopped (is closing,
   * closed or failed) although the node was not closed: Ratis stops a server on an error it
   * cannot recover from (an exception from the state machine on its own threads). Such a node
   * never votes, replicates or applies again; {@link ClusterServer} then shuts down. False while
   * the node has no division yet (a node started with {@code --join} that is not added yet).
   * Thread-safe.
   *
   * @return true once the Raft server stopped while the node is open
   */
  public boolean raftStopped() {
    if (server.getLifeCycleState().isClosingOrClosed() || server.getLifeCycleState() == LifeCycle.State.EXCEPTION) {
      return true;
    }
    LifeCycle.State state;
    try {
      state = division().getInfo().getLifeCycleState();
    } catch (IOException noDivision) {
      return false;
    }
    return state.isClosingOrClosed() || state == LifeCycle.State.EXCEPTION;
  }

  /** The workaround that restarts this node's stalled log appenders while it leads (RATIS-2499). */
  AppenderRestarts appenderRestarts() {
    return appenderRestarts;
  }

  /** The RaftClient this node forwards writes and admin requests with. */
  RaftClient client() {
    return client;
  }

  /**
   * Stops the node: the Raft server (which closes the state machine and its database) and the
   * client. Idempotent.
   *
   * @throws IOException if the server fails to close
   */
  @Override
  public void close() throws IOException {
    appenderRestarts.close();
    try {
      for (RaftClient c : writeClients) {
        c.close();
      }
    } finally {
      server.close();
    }
  }
}
