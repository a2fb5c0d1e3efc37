package io.stratadb.server;

import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Settings of a {@link RespServer}. Immutable and thread-safe; build with {@link #builder()}.
 *
 * <p>The memory a connection may hold is bounded by {@link #maxInlineBytes()} (an inline command
 * or a protocol line), {@link #maxBulkBytes()} (one argument, Redis's {@code proto-max-bulk-len},
 * whose default of 512 MiB is lowered here to 64 MiB), {@link #maxRequestBytes()} (the arguments
 * of one command together, Redis's {@code client-query-buffer-limit}), and on the way out by
 * Netty's write-buffer high-water mark: a client that stops reading replies stops being read.
 */
public final class ServerConfig {

  /** Default port, Redis's. */
  public static final int DEFAULT_PORT = 6379;
  /** Default address: loopback only, so a fresh server is not reachable from the network. */
  public static final String DEFAULT_BIND = "127.0.0.1";
  /** Default connection limit, Redis's {@code maxclients}. */
  public static final int DEFAULT_MAX_CLIENTS = 10_000;
  /** Default largest bulk string (one argument), 64 MiB. */
  public static final int DEFAULT_MAX_BULK_BYTES = 64 << 20;
  /** Default largest command (all its arguments), 256 MiB. */
  public static final long DEFAULT_MAX_REQUEST_BYTES = 256L << 20;
  /** Default largest inline command or protocol line, 64 KiB (Redis's PROTO_INLINE_MAX_SIZE). */
  public static final int DEFAULT_MAX_INLINE_BYTES = 64 << 10;
  /** Default largest argument count of one command, 1 Mi. */
  public static final int DEFAULT_MAX_ARGS = 1 << 20;
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
    this.clockMillis = b.clockMillis;
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The address to listen on. Default {@value #DEFAULT_BIND}. */
  public String bind() {
    return bind;
  }

  /** The TCP port; 0 picks a free one. Default {@value #DEFAULT_PORT}. */
  public int port() {
    return port;
  }

  /** The password AUTH must give, or null when none is required (the default). */
  public String requirePass() {
    return requirePass;
  }

  /** Connections served at once; more are told so and closed. Default {@value #DEFAULT_MAX_CLIENTS}. */
  public int maxClients() {
    return maxClients;
  }

  /** Largest bulk string (one argument, hence one key or value) in bytes. Default 64 MiB. */
  public int maxBulkBytes() {
    return maxBulkBytes;
  }

  /** Largest total of one command's bulk strings in bytes. Default 256 MiB. */
  public long maxRequestBytes() {
    return maxRequestBytes;
  }

  /** Largest inline command or protocol line in bytes. Default 64 KiB. */
  public int maxInlineBytes() {
    return maxInlineBytes;
  }

  /** Largest number of arguments (with the name) of one command. Default 1 Mi. */
  public int maxArgs() {
    return maxArgs;
  }

  /** Netty event-loop threads that read, run commands and write. Default: one per core. */
  public int ioThreads() {
    return ioThreads;
  }

  /** The clock TTLs are measured against, in epoch ms. Default {@link System#currentTimeMillis()}. */
  public LongSupplier clockMillis() {
    return clockMillis;
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
    private LongSupplier clockMillis = System::currentTimeMillis;

    private Builder() {}

    /** The address to listen on (a host name or IP literal). */
    public Builder bind(String address) {
      if (address == null || address.isBlank()) {
        throw new IllegalArgumentException("bind address must not be empty");
      }
      this.bind = address;
      return this;
    }

    /** The TCP port, 0 to 65535 (0 picks a free port). */
    public Builder port(int port) {
      this.port = (int) check("port", port, 0, 65535);
      return this;
    }

    /** The password clients must AUTH with; null or empty for none. */
    public Builder requirePass(String password) {
      this.requirePass = password == null || password.isEmpty() ? null : password;
      return this;
    }

    /** Connections served at once, 1 to 1,000,000. */
    public Builder maxClients(int clients) {
      this.maxClients = (int) check("maxClients", clients, 1, 1_000_000);
      return this;
    }

    /** Largest bulk string in bytes, 1 KiB to {@link #MAX_BULK_LIMIT}. */
    public Builder maxBulkBytes(int bytes) {
      this.maxBulkBytes = (int) check("maxBulkBytes", bytes, 1024, MAX_BULK_LIMIT);
      return this;
    }

    /** Largest total of one command's bulk strings in bytes, 1 KiB to 16 GiB. */
    public Builder maxRequestBytes(long bytes) {
      this.maxRequestBytes = check("maxRequestBytes", bytes, 1024, 16L << 30);
      return this;
    }

    /** Largest inline command or protocol line in bytes, 64 bytes to 16 MiB. */
    public Builder maxInlineBytes(int bytes) {
      this.maxInlineBytes = (int) check("maxInlineBytes", bytes, 64, 16 << 20);
      return this;
    }

    /** Largest argument count of one command, 2 to 64 Mi. */
    public Builder maxArgs(int args) {
      this.maxArgs = (int) check("maxArgs", args, 2, 64 << 20);
      return this;
    }

    /** Event-loop threads, 1 to 1024. */
    public Builder ioThreads(int threads) {
      this.ioThreads = (int) check("ioThreads", threads, 1, 1024);
      return this;
    }

    /** The clock for TTLs, in epoch ms; tests pass one they control. */
    public Builder clockMillis(LongSupplier clock) {
      this.clockMillis = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The configuration. */
    public ServerConfig build() {
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
