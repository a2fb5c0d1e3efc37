package io.stratadb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The test suite's timeout set-up ({@code junit-platform.properties}): a test that outlives its
 * {@link Timeout} fails, and every thread's stack is printed first, so a hang can be diagnosed
 * from the build log.
 */
@Timeout(60)
class TestTimeoutTest {
  /** Set while {@link #aTimedOutTestPrintsEveryThreadsStack} runs {@link Hangs}; off otherwise. */
  private static volatile boolean launching;

  /** A test that hangs past its timeout, with a thread of its own parked; run only from here. */
  @EnabledIf("io.stratadb.TestTimeoutTest#launching")
  static class Hangs {
    @Test
    @Timeout(value = 200, unit = TimeUnit.MILLISECONDS)
    void hangs() throws Exception {
      CountDownLatch never = new CountDownLatch(1);
      Thread helper = new Thread(() -> await(never), "hangs-helper");
      helper.setDaemon(true);
      helper.start();
      try {
        await(never); // waits in a method named here, to find in the dump
      } finally {
        helper.interrupt();
      }
    }

    private static void await(CountDownLatch latch) {
      try {
        latch.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  static boolean launching() {
    return launching;
  }

  @Test
  void aTimedOutTestPrintsEveryThreadsStack() throws Exception {
    Launcher launcher = LauncherFactory.create();
    SummaryGeneratingListener summary = new SummaryGeneratingListener();
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream out = System.out;
    launching = true;
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      // The launcher reads junit-platform.properties from the class path, as the build's does.
      launcher.execute(org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request()
          .selectors(selectClass(Hangs.class)).build(), summary);
    } finally {
      System.setOut(out);
      launching = false;
    }
    TestExecutionSummary result = summary.getSummary();
    assertEquals(1, result.getTestsFailedCount(), "the hanging test fails");
    assertTrue(result.getFailures().get(0).getException() instanceof TimeoutException,
        () -> "fails by its timeout: " + result.getFailures().get(0).getException());
    String dump = captured.toString(StandardCharsets.UTF_8);
    assertTrue(dump.contains("will be interrupted"), () -> "a thread dump is printed:\n" + dump);
    assertTrue(dump.contains("\"hangs-helper\""), () -> "with every thread:\n" + dump);
    assertTrue(dump.contains("TestTimeoutTest$Hangs.await"), () -> "and its stack:\n" + dump);
  }
}
