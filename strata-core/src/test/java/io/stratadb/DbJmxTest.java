package io.stratadb;

import static io.stratadb.TestKeys.b;
import static io.stratadb.TestKeys.key;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.DbMXBean;
import io.stratadb.statistics.JmxRegistration;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Set;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import javax.management.openmbean.CompositeData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The database's MXBean, as JMX clients see it through the platform MBean server. */
class DbJmxTest {
  private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();

  @TempDir Path dir;

  private static Set<ObjectName> registered() throws Exception {
    return SERVER.queryNames(new ObjectName("io.stratadb:type=Db,*"), null);
  }

  /**
   * JMX calls the MXBean interface reflectively from outside the module: the interface must be in
   * an exported package, or a modular application's JMX client gets an IllegalAccessException.
   */
  @Test
  void theMxBeanInterfaceIsInAnExportedPackage() {
    Module module = DbMXBean.class.getModule();
    assertTrue(!module.isNamed() || module.isExported(DbMXBean.class.getPackageName()),
        DbMXBean.class + " is not exported by " + module);
  }

  @Test
  void registeredOnOpenAndGoneOnClose() throws Exception {
    ObjectName name = JmxRegistration.objectName(dir);
    assertEquals("io.stratadb:type=Db,name=" + dir.toAbsolutePath(), name.toString(), "a plain path is not quoted");
    assertEquals(ObjectName.quote("/data/a,b=c:d"), JmxRegistration.objectName(Path.of("/data/a,b=c:d"))
        .getKeyProperty("name"), "one that must be is");
    try (Db db = Db.open(dir, Options.defaults())) {
      assertTrue(SERVER.isRegistered(name));
      assertTrue(registered().contains(name));
      assertEquals(dir.toAbsolutePath().toString(), SERVER.getAttribute(name, "Path"));
    }
    assertFalse(SERVER.isRegistered(name));
    try (Db db = Db.open(dir, Options.defaults())) {
      assertTrue(SERVER.isRegistered(name), "reopening the same path registers again");
    }
    assertFalse(SERVER.isRegistered(name));
  }

  @Test
  void attributesMoveByExactAmounts() throws Exception {
    ObjectName name = JmxRegistration.objectName(dir);
    try (Db db = Db.open(dir, Options.builder().statistics(true).build())) {
      for (int i = 0; i < 10; i++) {
        db.put(key(i), b("v"));
      }
      for (int i = 0; i < 3; i++) {
        db.get(b("missing"));
      }
      db.flush();
      assertEquals(10L, SERVER.getAttribute(name, "Puts"));
      assertEquals(3L, SERVER.getAttribute(name, "GetMisses"));
      assertEquals(3L, SERVER.getAttribute(name, "Gets"));
      assertEquals(1L, SERVER.getAttribute(name, "Flushes"));
      assertEquals(true, SERVER.getAttribute(name, "StatisticsEnabled"));
      long[] perLevel = (long[]) SERVER.getAttribute(name, "LiveSstFilesPerLevel");
      assertEquals(1, perLevel[0]);
      assertEquals(1L, SERVER.getAttribute(name, "LiveSstFiles"));
      CompositeData get = (CompositeData) SERVER.getAttribute(name, "GetLatency");
      assertEquals(3L, get.get("count"));
      assertTrue(get.containsKey("p999Micros") && get.containsKey("meanMicros") && get.containsKey("maxMicros"));
      assertEquals(10L, ((CompositeData) SERVER.getAttribute(name, "PutLatency")).get("count"));

      DbMXBean proxy = JMX.newMXBeanProxy(SERVER, name, DbMXBean.class);
      assertEquals(db.stats().bytesIngested(), proxy.getBytesWritten());
      assertEquals(1, proxy.getFlushLatency().count());
      SERVER.invoke(name, "resetStatistics", null, null);
      assertEquals(0L, SERVER.getAttribute(name, "Puts"));
      assertEquals(0L, proxy.getGetLatency().count());
      assertEquals(0, db.stats().operations().gets());
      assertEquals(1L, SERVER.getAttribute(name, "Flushes"), "engine counters are not reset");
    }
  }

  @Test
  void twoDatabasesRegisterTwoNames() throws Exception {
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    try (Db first = Db.open(a, Options.defaults()); Db second = Db.open(b, Options.defaults())) {
      first.put(b("k"), b("v"));
      ObjectName na = JmxRegistration.objectName(a);
      ObjectName nb = JmxRegistration.objectName(b);
      assertNotEquals(na, nb);
      assertTrue(registered().containsAll(Set.of(na, nb)));
      assertEquals(1L, SERVER.getAttribute(na, "Puts"));
      assertEquals(0L, SERVER.getAttribute(nb, "Puts"));
    }
    assertFalse(SERVER.isRegistered(JmxRegistration.objectName(a)));
    assertFalse(SERVER.isRegistered(JmxRegistration.objectName(b)));
  }

  @Test
  void notRegisteredWhenJmxIsOff() throws Exception {
    try (Db db = Db.open(dir, Options.builder().jmx(false).build())) {
      assertFalse(SERVER.isRegistered(JmxRegistration.objectName(dir)));
    }
  }

  /** A name taken by someone else does not stop the database from opening, nor is it unregistered. */
  public interface PlaceholderMBean {
    int getValue();
  }

  @Test
  void takenNameIsLeftAlone() throws Exception {
    ObjectName name = JmxRegistration.objectName(dir);
    SERVER.registerMBean(new StandardMBean((PlaceholderMBean) () -> 7, PlaceholderMBean.class), name);
    try {
      try (Db db = Db.open(dir, Options.defaults())) {
        db.put(b("k"), b("v"));
        assertArrayEquals(b("v"), db.get(b("k")));
        assertEquals(7, SERVER.getAttribute(name, "Value"));
      }
      assertTrue(SERVER.isRegistered(name));
    } finally {
      SERVER.unregisterMBean(name);
    }
  }
}
