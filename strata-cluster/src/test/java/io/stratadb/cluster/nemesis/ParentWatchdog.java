package io.stratadb.cluster.nemesis;

import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * The entry point of a node JVM the harness launches: {@code ParentWatchdog PARENT_PID MAIN_CLASS
 * ARGS...} runs {@code MAIN_CLASS.main(ARGS)} in this JVM and halts the JVM (exit status 3) once
 * the process {@code PARENT_PID} (the test JVM) is gone, so a test JVM killed with SIGKILL (a
 * surefire fork timeout) leaves no node JVM behind. It checks every 500 ms on a daemon thread.
 * A node stopped with SIGSTOP cannot halt itself; {@link NodeProcess#close()} resumes it first.
 */
public final class ParentWatchdog {
  private ParentWatchdog() {}

  /**
   * @param args the parent's pid, the main class, then its arguments
   * @throws Exception whatever the main class's {@code main} throws
   */
  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      throw new IllegalArgumentException("usage: ParentWatchdog PARENT_PID MAIN_CLASS [ARGS...]");
    }
    long parent = Long.parseLong(args[0]);
    Thread watchdog = new Thread(() -> {
      while (ProcessHandle.of(parent).map(ProcessHandle::isAlive).orElse(false)) {
        try {
          Thread.sleep(500);
        } catch (InterruptedException e) {
          return;
        }
      }
      System.err.println("parent " + parent + " is gone: halting");
      Runtime.getRuntime().halt(3);
    }, "parent-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    Method main = Class.forName(args[1]).getMethod("main", String[].class);
    main.invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
  }
}
