package io.stratadb.statistics;

import io.stratadb.DbMXBean;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.management.MBeanRegistration;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JmxRegistrationTest {
  private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();

  @TempDir Path dir;

  @Test
  void closeDoesNotThrowWhenTheServerRefusesToUnregister() throws Exception {
    AtomicBoolean refuse = new AtomicBoolean(true);
    // A bean whose preDeregister throws makes unregisterMBean fail with MBeanRegistrationException.
    Object bean = Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {DbMXBean.class, MBeanRegistration.class}, (proxy, method, args) -> {
          switch (method.getName()) {
            case "preRegister":
              return args[1];
            case "preDeregister":
              if (refuse.get()) {
                throw new IllegalStateException("injected: refusing to unregister");
              }
              return null;
            case "postRegister":
            case "postDeregister":
              return null;
            default:
              throw new UnsupportedOperationException(method.getName());
          }
        });
    JmxRegistration registration = JmxRegistration.register(dir, (DbMXBean) bean);
    ObjectName name = registration.name();
    assertNotNull(name);
    try {
      assertDoesNotThrow(registration::close, "closing a database must not stop at JMX");
      assertNull(registration.name());
      assertTrue(SERVER.isRegistered(name), "the refusal left the bean registered");
    } finally {
      refuse.set(false);
      SERVER.unregisterMBean(name);
    }
  }
}
