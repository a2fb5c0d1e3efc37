package io.stratadb.server;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Settings of a {@link RespServer}. Immutable and thread-safe; build with {@link #builder()}.
 *
 * <p>The memory a connection may hold is bounded by {@link #maxInlineBytes()} (an inline command
 * or a protocol line), {@link #maxBulkBytes()} (one argument, Redis's {@code proto-max-bulk-len},
 * whose default of 512 MiB is lowered here to 64 MiB), {@link #maxRequestBytes()} (the arguments
 * of one command together, Redis's {@code client-query-buffer-limit}), {@link #maxReplyBytes()}
 * (one reply), and on the way out by Netty's write-buffer high-water mark ({@link
 * #WRITE_BUFFER_HIGH_WATER_MARK}): a client that stops reading replies has its further commands
 * held, not run, and stops being read once they hold {@link #maxRequestBytes()}. All
 * connections together are bounded by {@link #maxClientMemory()} (Redis's {@code
 * maxmemory-clients}), and by {@link #requestTimeoutMillis()} and {@link #idleTimeoutMillis()}
 * in time.
 *
 * <p>{@link Builder#configFile} reads a Redis-style configuration file ({@link ConfigFile}) and
 * {@link Builder#environment} the password from {@value #PASSWORD_ENV}.
 */
public final class ServerConfig {

  /** Default port, Redis's. */
  public static final int DEFAULT_PORT = 6379;
  /** Default address: loopback only, so a fresh server is not reachable from the network. */
  public static final String DEFAULT_BIND = "127.0.0.1";
  /**
   * Default connection limit, Redis's {@code maxclients}. As in Redis, the server lowers it at
   * start when the process's file-descriptor limit cannot hold that many connections; memory is
   * bounded by {@link #maxClientMemory()}, not by this count.
   */
  public static final int DEFAULT_MAX_CLIENTS = 10_000;
  /** Default largest bulk string (one argument), 64 MiB. */
  public static final int DEFAULT_MAX_BULK_BYTES = 64 << 20;
  /** Default largest command (all its arguments), 256 MiB. */
  public static final long DEFAULT_MAX_REQUEST_BYTES = 256L << 20;
  /** Default largest inline command or protocol line, 64 KiB (Redis's PROTO_INLINE_MAX_SIZE). */
  public static final int DEFAULT_MAX_INLINE_BYTES = 64 << 10;
  /** Default largest argument count of one command, 1 Mi. */
  public static final int DEFAULT_MAX_ARGS = 1 << 20;
  /** Default largest reply, 128 MiB: two values of the default largest size, with room to spare. */
  public static final long DEFAULT_MAX_REPLY_BYTES = 128L << 20;
  /** Default request timeout: 60 s from a request's first line to its last byte. */
  public static final long DEFAULT_REQUEST_TIMEOUT_MILLIS = 60_000;
  /** Default idle timeout: 0, off, as Redis's {@code timeout}. */
  public static final long DEFAULT_IDLE_TIMEOUT_MILLIS = 0;
  /** Smallest default for {@link #maxClientMemory()}: 512 MiB, two requests of the default largest size. */
  public static final long MIN_DEFAULT_CLIENT_MEMORY = 512L << 20;
  /** A connection whose unsent replies pass this many bytes is paused until they drain (Netty's default). */
  public static final int WRITE_BUFFER_HIGH_WATER_MARK = 64 << 10;
  /** ... and resumes when they fall below this many bytes (Netty's default). */
  public static final int WRITE_BUFFER_LOW_WATER_MARK = 32 << 10;
  /** The environment variable {@link Builder#environment} takes the password from. */
  public static final String PASSWORD_ENV = "STRATA_PASSWORD";
  /** Largest accepted bulk limit: the engine's value limit (256 MiB) less the value header. */
  public static final int MAX_BULK_LIMIT = (256 << 20) - ValueCodec.EXPIRING_HEADER_BYTES;

  private final String bind;
  private final int port;
  private final String requirePass;
  private final int maxClients;
  private final int maxBulkBytes;
  private final long maxRequestBytes;
  private final int maxInlineBytes;
  private final int maxArgs;
  private final int ioThreads;
  private final long maxReplyBytes;
  private final long maxClientMemory;
  private final long requestTimeoutMillis;
  private final long idleTimeoutMillis;
  private final WalSync walSync;
  private final LongSupplier clockMillis;

  private ServerConfig(Builder b) {
    this.bind = b.bind;
    this.port = b.port;
    this.requirePass = b.requirePass;
    this.maxClients = b.maxClients;
    this.maxBulkBytes = b.maxBulkBytes;
    this.maxRequestBytes = b.maxRequestBytes;
    this.maxInlineBytes = b.maxInlineBytes;
    this.maxArgs = b.maxArgs;
    this.ioThreads = b.ioThreads;
    this.maxReplyBytes = b.maxReplyBytes;
    this.maxClientMemory = b.maxClientMemory;
    this.requestTimeoutMillis = b.requestTimeoutMillis;
    this.idleTimeoutMillis = b.idleTimeoutMillis;
    this.walSync = b.walSync;
    this.clockMillis = b.clockMillis;
  }

  /** {@return a new builder with the defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the address to listen on} Default {@value #DEFAULT_BIND}. */
  public String bind() {
    return bind;
  }

  /** {@return the TCP port; 0 picks a free one} Default {@value #DEFAULT_PORT}. */
  public int port() {
    return port;
  }

  /** {@return the password AUTH must give, or null when none is required (the default)} */
  public String requirePass() {
    return requirePass;
  }

  /**
   * {@return the number of connections served at once} More are told so and closed. Default {@value
   * #DEFAULT_MAX_CLIENTS}.
   */
  public int maxClients() {
    return maxClients;
  }

  /**
   * {@return the largest bulk string (one argument, hence one key or value) in bytes} Default 64
   * MiB.
   */
  public int maxBulkBytes() {
    return maxBulkBytes;
  }

  /**
   * Largest total of one command's bulk strings in bytes (Redis's {@code
   * client-query-buffer-limit}); also the most that commands held by back-pressure may hold
   * before the connection stops being read. Default 256 MiB.
   *
   * @return the limit in bytes
   */
  public long maxRequestBytes() {
    return maxRequestBytes;
  }

  /** {@return the largest inline command or protocol line in bytes} Default 64 KiB. */
  public int maxInlineBytes() {
    return maxInlineBytes;
  }

  /** {@return the largest number of arguments (with the name) of one command} Default 1 Mi. */
  public int maxArgs() {
    return maxArgs;
  }

  /**
   * {@return the number of Netty event-loop threads that read, run commands and write} Default: one
   * per core.
   */
  public int ioThreads() {
    return ioThreads;
  }

  /**
   * Largest reply in bytes as sent (RESP-encoded). A command whose reply would be larger (MGET of
   * many large values) gets {@code -ERR reply exceeds maximum allowed size (max-reply-bytes)}
   * instead; SCAN returns fewer keys. Default 128 MiB.
   *
   * @return the limit in bytes
   */
  public long maxReplyBytes() {
    return maxReplyBytes;
  }

  /**
   * Bytes all connections together may hold in requests received but not yet run and replies not
   * yet sent (Redis's {@code maxmemory-clients}); when it is reached, connections that would add
   * to it stop being read until it drains. Default a quarter of the JVM's maximum heap, at least
   * {@link #MIN_DEFAULT_CLIENT_MEMORY}; never less than {@link #maxRequestBytes()}.
   *
   * @return the budget in bytes
   */
  public long maxClientMemory() {
    return maxClientMemory;
  }

  /**
   * {@return the time in ms within which a request must arrive whole after its first line; 0 is
   * off} A later one closes the connection. Default 60 s.
   */
  public long requestTimeoutMillis() {
    return requestTimeoutMillis;
  }

  /**
   * {@return the time in ms after which a connection that neither reads nor writes is closed; 0
   * (default) is off} (Redis's {@code timeout}.)
   */
  public long idleTimeoutMillis() {
    return idleTimeoutMillis;
  }

  /**
   * {@return when the WAL is fsynced} (Redis's {@code appendfsync}.) Default {@link
   * WalSync#EVERYSEC}.
   */
  public WalSync walSync() {
    return walSync;
  }

  /**
   * {@return the clock TTLs are measured against, in epoch ms} Default {@link
   * System#currentTimeMillis()}.
   */
  public LongSupplier clockMillis() {
    return clockMillis;
  }

  /** {@return a new builder holding this configuration, to change some settings of it} */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.bind = bind;
    b.port = port;
    b.requirePass = requirePass;
    b.maxClients = maxClients;
    b.maxBulkBytes = maxBulkBytes;
    b.maxRequestBytes = maxRequestBytes;
    b.maxInlineBytes = maxInlineBytes;
    b.maxArgs = maxArgs;
    b.ioThreads = ioThreads;
    b.maxReplyBytes = maxReplyBytes;
    b.maxClientMemory = maxClientMemory;
    b.requestTimeoutMillis = requestTimeoutMillis;
    b.idleTimeoutMillis = idleTimeoutMillis;
    b.walSync = walSync;
    b.clockMillis = clockMillis;
    return b;
  }

  /** Builds a {@link ServerConfig}. Not thread-safe. Setters throw IllegalArgumentException when out of range. */
  public static final class Builder {
    private String bind = DEFAULT_BIND;
    private int port = DEFAULT_PORT;
    private String requirePass;
    private int maxClients = DEFAULT_MAX_CLIENTS;
    private int maxBulkBytes = DEFAULT_MAX_BULK_BYTES;
    private long maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
    private int maxInlineBytes = DEFAULT_MAX_INLINE_BYTES;
    private int maxArgs = DEFAULT_MAX_ARGS;
    private int ioThreads = Runtime.getRuntime().availableProcessors();
    private long maxReplyBytes = DEFAULT_MAX_REPLY_BYTES;
    private long maxClientMemory = Math.max(MIN_DEFAULT_CLIENT_MEMORY, Runtime.getRuntime().maxMemory() / 4);
    private long requestTimeoutMillis = DEFAULT_REQUEST_TIMEOUT_MILLIS;
    private long idleTimeoutMillis = DEFAULT_IDLE_TIMEOUT_MILLIS;
    private WalSync walSync = WalSync.EVERYSEC;
    private LongSupplier clockMillis = System::currentTimeMillis;

    private Builder() {}

    /**
     * {@return this builder} Sets the address to listen on.
     *
     * @param address a host name or IP literal
     */
    public Builder bind(String address) {
      if (address == null || address.isBlank()) {
        throw new IllegalArgumentException("bind address must not be empty");
      }
      this.bind = address;
      return this;
    }

    /**
     * {@return this builder} Sets the TCP port.
     *
     * @param port 0 to 65535 (0 picks a free port)
     */
    public Builder port(int port) {
      this.port = (int) check("port", port, 0, 65535);
      return this;
    }

    /**
     * {@return this builder} Sets the password clients must AUTH with.
     *
     * @param password the password; null or empty for none
     */
    public Builder requirePass(String password) {
      this.requirePass = password == null || password.isEmpty() ? null : password;
      return this;
    }

    /**
     * {@return this builder} Sets the connections served at once.
     *
     * @param clients 1 to 1,000,000
     */
    public Builder maxClients(int clients) {
      this.maxClients = (int) check("maxClients", clients, 1, 1_000_000);
      return this;
    }

    /**
     * {@return this builder} Sets the largest bulk string.
     *
     * @param bytes 1 KiB to {@link #MAX_BULK_LIMIT}, in bytes
     */
    public Builder maxBulkBytes(int bytes) {
      this.maxBulkBytes = (int) check("maxBulkBytes", bytes, 1024, MAX_BULK_LIMIT);
      return this;
    }

    /**
     * {@return this builder} Sets the largest total of one command's bulk strings.
     *
     * @param bytes 1 KiB to 16 GiB, in bytes
     */
    public Builder maxRequestBytes(long bytes) {
      this.maxRequestBytes = check("maxRequestBytes", bytes, 1024, 16L << 30);
      return this;
    }

    /**
     * {@return this builder} Sets the largest inline command or protocol line.
     *
     * @param bytes 64 bytes to 16 MiB, in bytes
     */
    public Builder maxInlineBytes(int bytes) {
      this.maxInlineBytes = (int) check("maxInlineBytes", bytes, 64, 16 << 20);
      return this;
    }

    /**
     * {@return this builder} Sets the largest argument count of one command.
     *
     * @param args 2 to 64 Mi, the command name included
     */
    public Builder maxArgs(int args) {
      this.maxArgs = (int) check("maxArgs", args, 2, 64 << 20);
      return this;
    }

    /**
     * {@return this builder} Sets the event-loop threads.
     *
     * @param threads 1 to 1024
     */
    public Builder ioThreads(int threads) {
      this.ioThreads = (int) check("ioThreads", threads, 1, 1024);
      return this;
    }

    /**
     * {@return this builder} Sets the largest reply.
     *
     * @param bytes 1 KiB to 16 GiB, in bytes; at build, at least {@code maxBulkBytes} plus 64 (a
     *     GET of the largest value)
     */
    public Builder maxReplyBytes(long bytes) {
      this.maxReplyBytes = check("maxReplyBytes", bytes, 1024, 16L << 30);
      return this;
    }

    /**
     * {@return this builder} Sets the memory budget of all connections.
     *
     * @param bytes 64 KiB to 1 TiB, in bytes; at build, at least {@code maxRequestBytes}
     */
    public Builder maxClientMemory(long bytes) {
      this.maxClientMemory = check("maxClientMemory", bytes, 64 << 10, 1L << 40);
      return this;
    }

    /**
     * {@return this builder} Sets the request timeout.
     *
     * @param millis 0 (off) to 1 day, in ms
     */
    public Builder requestTimeoutMillis(long millis) {
      this.requestTimeoutMillis = check("requestTimeoutMillis", millis, 0, 86_400_000);
      return this;
    }

    /**
     * {@return this builder} Sets the idle timeout.
     *
     * @param millis 0 (off) to 1 year, in ms
     */
    public Builder idleTimeoutMillis(long millis) {
      this.idleTimeoutMillis = check("idleTimeoutMillis", millis, 0, 365L * 86_400_000);
      return this;
    }

    /**
     * {@return this builder} Sets when the WAL is fsynced.
     *
     * @param mode the fsync policy, not null
     */
    public Builder walSync(WalSync mode) {
      this.walSync = Objects.requireNonNull(mode, "walSync");
      return this;
    }

    /**
     * Applies the settings of a Redis-style configuration file ({@link ConfigFile} lists the
     * directives); settings it does not name keep their values, later calls override it.
     *
     * @param file a Redis-style configuration file
     * @return this builder
     * @throws java.io.UncheckedIOException if the file cannot be read
     * @throws IllegalArgumentException naming the file and line, for an unknown directive, a
     *     wrong argument count or a value out of range
     */
    public Builder configFile(Path file) {
      ConfigFile.apply(file, this);
      return this;
    }

    /**
     * Takes the password from the variable {@value #PASSWORD_ENV} of {@code env} if it is set and
     * not empty (so it need not appear on a command line, where {@code ps} shows it).
     *
     * @param env the environment, normally {@link System#getenv()}
     * @return this builder
     */
    public Builder environment(Map<String, String> env) {
      String password = env.get(PASSWORD_ENV);
      if (password != null && !password.isEmpty()) {
        requirePass(password);
      }
      return this;
    }

    /**
     * {@return this builder} Sets the clock for TTLs; tests pass one they control.
     *
     * @param clock returns the time in epoch ms; called from the event-loop threads, so thread-safe
     */
    public Builder clockMillis(LongSupplier clock) {
      this.clockMillis = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The configuration.
     *
     * @return the configuration, immutable
     * @throws IllegalArgumentException if the reply limit cannot hold the largest value, or the
     *     client memory budget cannot hold the largest request
     */
    public ServerConfig build() {
      if (maxReplyBytes < maxBulkBytes + 64L) {
        throw new IllegalArgumentException("maxReplyBytes (" + maxReplyBytes + ") must be at least maxBulkBytes + 64 ("
            + (maxBulkBytes + 64L) + "), so that a GET of the largest value can be answered");
      }
      if (maxClientMemory < maxRequestBytes) {
        throw new IllegalArgumentException("maxClientMemory (" + maxClientMemory + ") must be at least maxRequestBytes ("
            + maxRequestBytes + "), so that the largest request can be received");
      }
      return new ServerConfig(this);
    }

    private static long check(String name, long value, long min, long max) {
      if (value < min || value > max) {
        throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + value);
      }
      return value;
    }
  }
}
