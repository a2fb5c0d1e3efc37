package io.stratadb.kafka;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;

/**
 * A Kafka 4.4 broker in KRaft mode (one node, broker and controller combined) in a child JVM,
 * run from the Maven artifacts on the test class path exactly as Kafka's scripts run it: the log
 * directory is formatted by {@code kafka.tools.StorageTool format --standalone}, then
 * {@code kafka.Kafka} serves it. Listens on two free local ports; logs to {@code <dir>/broker.log}.
 * {@link #close()} kills it with SIGKILL. Not thread-safe.
 */
final class KafkaBroker implements AutoCloseable {
  private final Process process;
  private final String bootstrap;
  private final Path log;

  /**
   * Formats {@code dir/logs} and starts the broker, with the internal topics at replication
   * factor 1 and the short group and transaction timeouts the failover test needs; returns once
   * it answers an admin request.
   *
   * @throws AssertionError if formatting fails or the broker does not answer within 60 s
   */
  KafkaBroker(Path dir) throws IOException, InterruptedException {
    int port = freePort();
    int controllerPort = freePort();
    bootstrap = "localhost:" + port;
    log = dir.resolve("broker.log");
    Path properties = dir.resolve("server.properties");
    Files.writeString(properties, String.join("\n",
        "process.roles=broker,controller",
        "node.id=1",
        "listeners=PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort,
        "advertised.listeners=PLAINTEXT://localhost:" + port,
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "controller.quorum.bootstrap.servers=localhost:" + controllerPort,
        "log.dirs=" + dir.resolve("logs"),
        "num.partitions=4",
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=4",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "transaction.state.log.num.partitions=4",
        "transaction.abort.timed.out.transaction.cleanup.interval.ms=1000",
        "group.initial.rebalance.delay.ms=0",
        "group.min.session.timeout.ms=1000",
        ""));
    Process format = ChildJvm.start("kafka.tools.StorageTool",
        List.of("format", "--standalone", "-t", Uuid.randomUuid().toString(), "-c", properties.toString()), log, true);
    if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
      format.destroyForcibly();
      throw new AssertionError("formatting the KRaft log directory failed, see " + log);
    }
    process = ChildJvm.start("kafka.Kafka", List.of(properties.toString()), log, true);
    try {
      awaitReady();
    } catch (RuntimeException | AssertionError | InterruptedException e) {
      close();
      throw e;
    }
  }

  private void awaitReady() throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    while (true) {
      if (!process.isAlive()) {
        throw new AssertionError("the broker exited (" + process.exitValue() + "), see " + log);
      }
      try (Admin admin = admin()) {
        if (!admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty()) {
          return;
        }
      } catch (Exception e) {
        if (System.currentTimeMillis() > deadline) {
          throw new AssertionError("the broker did not answer in 60 s, see " + log, e);
        }
      }
      Thread.sleep(200);
    }
  }

  /** An admin client on this broker; the caller closes it. */
  Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000));
  }

  /**
   * Creates topics of {@code partitions} partitions, replication factor 1.
   *
   * @throws Exception if the broker refuses
   */
  void createTopics(int partitions, String... names) throws Exception {
    try (Admin admin = admin()) {
      admin.createTopics(java.util.Arrays.stream(names).map(name -> new NewTopic(name, partitions, (short) 1)).toList())
          .all().get(30, TimeUnit.SECONDS);
    }
  }

  /** {@code localhost:<port>}, the broker's client listener. */
  String bootstrapServers() {
    return bootstrap;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Kills the broker with SIGKILL and waits for it to die. */
  @Override
  public void close() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }
}
