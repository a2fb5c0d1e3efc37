package io.stratadb.statistics;

import io.stratadb.DbMXBean;
import java.lang.management.ManagementFactory;
import io.stratadb.DbStats;
import java.nio.file.Path;
import java.util.function.Supplier;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One database's {@link DbMXBean} registered with the platform MBean server under {@code
 * io.stratadb:type=Db,name=<absolute path>} (quoted only when it must be, {@link #objectName}), and
 * unregistered by {@link #close()}. The directory lock keeps two open databases in one process
 * from sharing a path, so names do not clash; if one does anyway (a database of a test file system
 * at the same path), the second is left unregistered with a warning, since monitoring must not
 * stop a database from opening.
 *
 * <p>Thread-safe; {@link #close()} is idempotent.
 */
public final class JmxRegistration implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JmxRegistration.class);

  /** The JMX domain of every StrataDB MBean. */
  public static final String DOMAIN = "io.stratadb";

  private final MBeanServer server;
  /** Null when nothing was registered. */
  private ObjectName registered;

  private JmxRegistration(MBeanServer server, ObjectName registered) {
    this.server = server;
    this.registered = registered;
  }

  /**
   * The name of the database in {@code dir}: {@code io.stratadb:type=Db,name=<absolute path>},
   * the path as it is, so that JMX exporters turn it into a plain label; quoted with {@link
   * ObjectName#quote} only when it holds a character an unquoted value may not ({@code , = : " *
   * ?} or a line break).
   */
  public static ObjectName objectName(Path dir) {
    String path = dir.toAbsolutePath().normalize().toString();
    boolean plain = !path.isEmpty() && path.chars().noneMatch(c -> ",=:\"*?\n\r".indexOf(c) >= 0);
    try {
      return new ObjectName(DOMAIN + ":type=Db,name=" + (plain ? path : ObjectName.quote(path)));
    } catch (MalformedObjectNameException e) {
      // ObjectName.quote escapes every character a value may not hold, so this is a bug.
      throw new IllegalStateException("cannot name the MBean of " + path, e);
    }
  }

  /**
   * Registers {@code bean} as the MBean of the database in {@code dir}.
   *
   * @return the registration, to close when the database closes
   * @throws IllegalStateException if the MBean server rejects the bean for another reason than
   *     the name being taken (a broken MXBean interface: a bug)
   */
  public static JmxRegistration register(Path dir, DbMXBean bean) {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name = objectName(dir);
    try {
      server.registerMBean(bean, name);
      return new JmxRegistration(server, name);
    } catch (InstanceAlreadyExistsException e) {
      LOG.warn("JMX name {} is taken; this database's statistics are not registered", name);
      return new JmxRegistration(server, null);
    } catch (JMException e) {
      throw new IllegalStateException("cannot register MBean " + name, e);
    }
  }

  /**
   * Registers a {@link DbStatisticsBean} for the database in {@code dir} if {@code enabled}, else
   * nothing.
   *
   * @param enabled {@code Options.jmx()}
   * @param dir the database directory
   * @param stats the database's {@code stats()}
   * @param statistics the database's operation statistics
   * @throws IllegalStateException as {@link #register}
   */
  public static JmxRegistration forDb(boolean enabled, Path dir, Supplier<DbStats> stats, Statistics statistics) {
    return enabled ? register(dir, new DbStatisticsBean(dir, stats, statistics)) : none();
  }

  /** A registration of nothing, for databases opened with {@code Options.jmx(false)}. */
  public static JmxRegistration none() {
    return new JmxRegistration(null, null);
  }

  /** The registered name, or null if nothing is registered. */
  public synchronized ObjectName name() {
    return registered;
  }

  /**
   * Unregisters the MBean; a no-op after the first call or if nothing was registered. Never throws:
   * a failure to unregister is logged as a warning (the MBean may then stay registered).
   */
  @Override
  public synchronized void close() {
    if (registered == null) {
      return;
    }
    ObjectName name = registered;
    registered = null;
    try {
      server.unregisterMBean(name);
    } catch (InstanceNotFoundException e) {
      LOG.warn("MBean {} was already unregistered by someone else", name);
    } catch (JMException | RuntimeException e) {
      // Called while the database closes: monitoring must not stop the WAL, manifest and lock
      // from being released, so the failure is reported here and not thrown.
      LOG.warn("cannot unregister MBean {}; it may stay registered", name, e);
    }
  }
}
