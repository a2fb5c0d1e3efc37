package io.stratadb.server;

import com.sun.management.UnixOperatingSystemMXBean;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.redis.RedisEncoder;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.stratadb.Db;
import io.stratadb.Options;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Redis-protocol (RESP2) server over a StrataDB database, on Netty: {@code strata serve}. Clients
 * such as redis-cli, redis-benchmark, Jedis and redis-py talk to it as to a Redis server holding
 * strings (see docs/server.md for the commands and what differs from Redis).
 *
 * <p>The server owns its database: {@link #start} opens it with a {@link TtlCompactionFilter} and
 * a value size limit fitting {@link ServerConfig#maxBulkBytes()}, reads or sets its {@link
 * ValueFormat} (a database the library or the CLI filled is served as plain values, without TTLs),
 * and shutdown closes it.
 *
 * <p>Pipeline of each connection: {@link ClientLimits}, Netty's {@link IdleStateHandler} (with an
 * idle timeout), {@link FlowHandler}, {@link RedisEncoder}, {@link RequestDecoder} (requests straight
 * into arguments, within the limits), {@link ConnectionHandler}; a {@link ConnectionFlow} per connection and one
 * {@link ClientMemoryBudget} for all of them pause reading when buffers fill. Commands run on the
 * event loops (see {@link ConnectionHandler} for why).
 *
 * <p>At start the server logs a warning when it listens beyond loopback without a password, and
 * lowers {@link ServerConfig#maxClients()} to what the file-descriptor limit allows, as Redis
 * does.
 *
 * <p>Graceful shutdown ({@link #close()}, the SHUTDOWN command, or SIGTERM through {@code strata
 * serve}'s hook): stop accepting; on each connection's event loop stop reading, flush the replies
 * of the commands already run (commands held by back-pressure are dropped) and close; stop the
 * event loops; close the database.
 *
 * <p>Thread-safe.
 */
public final class RespServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RespServer.class);

  /** File descriptors kept for the server's own use when fitting maxclients to the limit (Redis's CONFIG_MIN_RESERVED_FDS). */
  static final int RESERVED_FDS = 32;
  /** The file-descriptor limit never lowers maxclients below this (or the requested count, if smaller). */
  static final int MIN_MAX_CLIENTS = 64;

  /** How long shutdown waits for connections to flush and close before forcing them. */
  private static final long CLOSE_WAIT_SECONDS = 10;

  private final Db db;
  private final ValueFormat format;
  private final ServerConfig config;
  private final int maxValueBytes;
  private final int maxKeyBytes;
  private final ServerStats stats = new ServerStats();
  private final EventLoopGroup bossGroup;
  private final EventLoopGroup workerGroup;
  private final ChannelGroup clients = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final CountDownLatch terminated = new CountDownLatch(1);
  private final Object shutdownLock = new Object();
  private Channel serverChannel;
  private WalSyncer walSyncer; // null unless --wal-sync everysec; set by bind
  private final Replication replication; // null unless a cluster node, which owns the database
  /** On a cluster node, where connections' commands run (ConnectionHandler's rounds); else null. */
  private final ExecutorService offload;
  private boolean shuttingDown; // guarded by shutdownLock

  private RespServer(Db db, ServerConfig config, int maxValueBytes, int maxKeyBytes, ValueFormat format,
      Replication replication) {
    this.db = db;
    this.format = format;
    this.replication = replication;
    this.offload = replication == null ? null : offloadPool(config.maxClients());
    this.config = config;
    this.maxValueBytes = maxValueBytes;
    this.maxKeyBytes = maxKeyBytes;
    this.bossGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      this.workerGroup = new MultiThreadIoEventLoopGroup(config.ioThreads(), NioIoHandler.newFactory());
    } catch (RuntimeException | Error e) {
      bossGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e;
    }
  }

  /**
   * The pool a cluster node's connections run their rounds of commands on: a thread per connection
   * whose round waits for Raft at that moment, so that no connection's wait holds up another's; at
   * most {@code maxThreads} (maxclients: a connection has at most one round at a time) so that
   * clients which send a write and disconnect while Raft is slow cannot pile up threads; idle
   * threads end after a minute. A round beyond the bound is refused ({@link
   * java.util.concurrent.RejectedExecutionException}; the connection answers it with an error).
   */
  static ExecutorService offloadPool(int maxThreads) {
    return new ThreadPoolExecutor(0, maxThreads, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
        new DefaultThreadFactory("strata-replicated-commands", true));
  }

  /**
   * Opens (or creates) the database in {@code dir} and starts serving it.
   *
   * @param dir the database directory; created if missing
   * @param options engine options; the server adds its compaction filter and value size limit
   * @param requested the settings; maxclients may be lowered (see the class comment)
   * @return the running server; {@link #close()} stops it and closes the database
   * @throws io.stratadb.StrataException if the database cannot be opened
   * @throws java.io.UncheckedIOException if the address cannot be bound (the database is closed again)
   * @throws RuntimeException as Netty throws it if the event loops cannot be created (the database
   *     is closed again; a failure to close it is added as suppressed)
   */
  public static RespServer start(Path dir, Options options, ServerConfig requested) {
    ServerConfig config = fitted(requested, options);
    TtlCompactionFilter ttlFilter = new TtlCompactionFilter(config.clockMillis());
    Db db = Db.open(dir, databaseOptions(options, config, ttlFilter));
    RespServer server;
    try {
      ValueFormat format = ValueFormat.openForServer(db);
      if (format == ValueFormat.TTL) {
        ttlFilter.activate();
      } else {
        LOG.info("{} holds plain values (written by the library or the strata CLI): served as strings without TTL; "
            + "SET with EX/PX is refused", dir);
      }
      server = new RespServer(db, config, maxValueBytes(options, config), options.maxKeySize(), format, null);
    } catch (RuntimeException | Error e) { // no server owns the Db yet (format unreadable, event loops not created)
      try {
        db.close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    return bound(server, config);
  }

  /**
   * Starts serving {@code db}, a cluster node's local replica, whose writes go through {@code
   * replication} ({@link Replication#commit}) and whose reads wait for {@link
   * Replication#awaitReadable}; ROLE, CLUSTER and INFO replication answer from it. The server does
   * not own the database: shutdown leaves it open (the node closes it). {@link ServerConfig#walSync()}
   * is ignored: the replicated log is the durable copy.
   *
   * @param db the replica, opened with {@link #databaseOptions}({@code options}, {@code requested})
   * @param options the options {@code db} was opened with before {@link #databaseOptions}
   * @param requested the settings; maxclients may be lowered (see the class comment)
   * @param replication the cluster node's replication, through which writes and reads go
   * @return the running server; {@link #close()} stops it and leaves {@code db} open
   * @throws java.io.UncheckedIOException if the address cannot be bound
   * @throws RuntimeException as Netty throws it if the event loops cannot be created
   */
  public static RespServer startReplicated(Db db, Options options, ServerConfig requested, Replication replication) {
    ServerConfig config = fitted(requested, options);
    // Values always carry the server's header on a cluster node; no format marker is written (it
    // would be a write outside the replicated log), and the TTL filter stays inactive so every
    // replica evaluates conditions on the same stored values.
    return bound(new RespServer(db, config, maxValueBytes(options, config), options.maxKeySize(), ValueFormat.TTL,
        replication), config);
  }

  /**
   * The options the server opens its database with: {@code options} with a {@link
   * TtlCompactionFilter} on the server's clock and a value limit that holds {@link
   * ServerConfig#maxBulkBytes()} and the TTL header; created if missing.
   *
   * @param options the caller's engine options
   * @param config the server settings, whose {@link ServerConfig#maxBulkBytes()} sets the value
   *     limit
   * @return new options for the server's database
   */
  public static Options databaseOptions(Options options, ServerConfig config) {
    return databaseOptions(options, config, new TtlCompactionFilter(config.clockMillis()));
  }

  /** As {@link #databaseOptions(Options, ServerConfig)} with {@code ttlFilter} (active only once activated). */
  private static Options databaseOptions(Options options, ServerConfig config, TtlCompactionFilter ttlFilter) {
    return options.toBuilder()
        .createIfMissing(true)
        .compactionFilter(ttlFilter)
        .maxValueSize(maxValueBytes(options, config))
        .build();
  }

  private static int maxValueBytes(Options options, ServerConfig config) {
    return Math.max(options.maxValueSize(), config.maxBulkBytes() + ValueCodec.EXPIRING_HEADER_BYTES);
  }

  /** {@code requested} with maxclients lowered to what the file-descriptor limit allows. */
  private static ServerConfig fitted(ServerConfig requested, Options options) {
    int maxClients = effectiveMaxClients(requested.maxClients(), fdLimit(), options.maxOpenFiles());
    if (maxClients < requested.maxClients()) {
      LOG.warn("maxclients lowered from {} to {}: the file-descriptor limit is {} (ulimit -n), of which {} are kept "
          + "for the server and {} for the engine's open files; raise ulimit -n to serve more", requested.maxClients(),
          maxClients, fdLimit(), RESERVED_FDS, options.maxOpenFiles());
    }
    return requested.toBuilder().maxClients(maxClients).build();
  }

  private static RespServer bound(RespServer server, ServerConfig config) {
    try {
      server.bind();
    } catch (Exception e) { // Netty's sync() rethrows the checked BindException undeclared
      server.close();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new UncheckedIOException(new IOException(
          "cannot listen on " + config.bind() + ":" + config.port() + ": " + e.getMessage(), e));
    }
    return server;
  }

  private void bind() throws InterruptedException {
    WalSync walSync = replication == null ? config.walSync() : WalSync.NO;
    StringStore store = new StringStore(db, config.clockMillis(), walSync, format, replication);
    if (walSync == WalSync.EVERYSEC) {
      walSyncer = new WalSyncer(db);
    }
    ClientMemoryBudget budget = new ClientMemoryBudget(config.maxClientMemory());
    CommandTable.Builder table = new CommandTable.Builder();
    CommandTable[] built = new CommandTable[1];
    new ConnectionCommands(config.requirePass()).register(table);
    new StringCommands(store, config.maxReplyBytes(), maxValueBytes).register(table);
    new CounterCommands(store).register(table);
    new KeyCommands(store, config.maxReplyBytes(), maxKeyBytes).register(table);
    new ServerCommands(() -> built[0], config, stats, budget, db, format, this::shutdownAsync)
        .replication(replication).register(table);
    if (replication != null) {
      new ReplicationCommands(replication).register(table);
    }
    built[0] = table.build();
    CommandDispatcher dispatcher = new CommandDispatcher(built[0], stats,
        replication == null ? null : replication::awaitReadable);
    int maxBatchedArgBytes = Math.min(maxKeyBytes, maxValueBytes - ValueCodec.EXPIRING_HEADER_BYTES);
    ClientLimits limits = new ClientLimits(config.maxClients(), stats);
    ServerBootstrap b = new ServerBootstrap()
        .group(bossGroup, workerGroup)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(
            ServerConfig.WRITE_BUFFER_LOW_WATER_MARK, ServerConfig.WRITE_BUFFER_HIGH_WATER_MARK))
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            clients.add(ch);
            ConnectionFlow flow = new ConnectionFlow(ch, budget, config.maxInlineBytes());
            ch.pipeline().addLast("limits", limits);
            if (config.idleTimeoutMillis() > 0) { // before the decoder, so that every socket read counts, as in Redis
              ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, config.idleTimeoutMillis(), TimeUnit.MILLISECONDS));
            }
            ch.pipeline().addLast("flow", new FlowHandler(flow))
                .addLast("encoder", new RedisEncoder())
                .addLast("decoder", new RequestDecoder(config, flow))
                .addLast("handler", new ConnectionHandler(dispatcher,
                    new ClientSession(stats.newClientId(), config.requirePass() == null), flow, config.maxRequestBytes(),
                    store, maxBatchedArgBytes, offload));
          }
        });
    serverChannel = b.bind(config.bind(), config.port()).sync().channel();
    LOG.info("strata serve listening on {}", serverChannel.localAddress());
    String warning = exposureWarning(address(), config.requirePass());
    if (warning != null) {
      LOG.warn(warning);
    }
  }

  /**
   * The warning for a server reachable beyond this machine without a password (Redis answers
   * such clients only in its protected mode), or null if it listens on loopback or has one.
   */
  static String exposureWarning(InetSocketAddress listening, String requirePass) {
    if (requirePass != null || listening.getAddress().isLoopbackAddress()) {
      return null;
    }
    return "strata serve listens on " + listening.getAddress().getHostAddress() + ":" + listening.getPort()
        + ", beyond this machine, without a password: anyone who can reach it can read and change every key. "
        + "Set one (requirepass in the configuration file, or " + ServerConfig.PASSWORD_ENV
        + ") or bind to 127.0.0.1.";
  }

  /**
   * The connection limit the server applies: {@code requested}, lowered as Redis lowers {@code
   * maxclients} when the process's file-descriptor limit cannot hold it ({@code fdLimit} less 32
   * for the server, as Redis reserves, and the engine's open-file limit), but not below {@link
   * #MIN_MAX_CLIENTS}. {@code fdLimit} is -1 when unknown (then nothing is lowered).
   */
  static int effectiveMaxClients(int requested, long fdLimit, int engineOpenFiles) {
    if (fdLimit < 0) {
      return requested;
    }
    long available = fdLimit - RESERVED_FDS - engineOpenFiles;
    return (int) Math.min(requested, Math.max(available, Math.min(requested, MIN_MAX_CLIENTS)));
  }

  /** The process's file-descriptor limit, or -1 where the JVM does not tell (not Unix). */
  private static long fdLimit() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof UnixOperatingSystemMXBean unix ? unix.getMaxFileDescriptorCount() : -1;
  }

  /** {@return the address the server listens on} (With the real port when 0 was asked.) */
  public InetSocketAddress address() {
    return (InetSocketAddress) serverChannel.localAddress();
  }

  /** {@return the TCP port the server listens on} (The real one when 0 was asked.) */
  public int port() {
    return address().getPort();
  }

  /**
   * {@return the database served} Closed by shutdown, unless it was started with {@link
   * #startReplicated}.
   */
  public Db db() {
    return db;
  }

  /** Starts a graceful shutdown on a new thread and returns at once (the SHUTDOWN command). */
  public void shutdownAsync() {
    Thread t = new Thread(this::close, "strata-serve-shutdown");
    t.start();
  }

  /**
   * Waits until shutdown has completed and the database is closed.
   *
   * @throws InterruptedException if the calling thread is interrupted while waiting
   */
  public void awaitTermination() throws InterruptedException {
    terminated.await();
  }

  /**
   * Shuts down gracefully (see the class comment) and waits for it. Idempotent; a second caller
   * waits for the first to finish.
   *
   * @throws io.stratadb.StrataException if closing the database fails
   */
  @Override
  public void close() {
    synchronized (shutdownLock) {
      if (shuttingDown) {
        awaitUninterruptibly();
        return;
      }
      shuttingDown = true;
    }
    try {
      if (serverChannel != null) {
        serverChannel.close().syncUninterruptibly();
      }
      for (Channel ch : clients) {
        if (offload != null) { // a cluster node: a connection closes once its running round has replied
          ch.eventLoop().execute(() -> ch.pipeline().fireUserEventTriggered(ConnectionHandler.SHUTDOWN));
          continue;
        }
        ch.eventLoop().execute(() -> {
          ch.config().setAutoRead(false);
          ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        });
      }
      if (!clients.newCloseFuture().awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
        LOG.warn("connections did not close within {} s; closing them now", CLOSE_WAIT_SECONDS);
        clients.close().awaitUninterruptibly();
      }
      bossGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      workerGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      if (offload != null) {
        offload.shutdown(); // a round still waiting for Raft ends when the node closes
      }
      if (walSyncer != null) {
        walSyncer.close();
      }
      if (replication == null) {
        db.close();
        LOG.info("strata serve stopped; database closed");
      } else {
        LOG.info("strata serve stopped; the cluster node closes the database");
      }
    } finally {
      terminated.countDown();
    }
  }

  private void awaitUninterruptibly() {
    boolean interrupted = false;
    while (true) {
      try {
        terminated.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
