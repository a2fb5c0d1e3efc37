package io.stratadb.cluster.nemesis;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One node JVM of a test cluster: launched with this test JVM's class path under {@link
 * ParentWatchdog}, its stdout and stderr appended to one log file across restarts, ready once it
 * printed {@code READY <name>}; killed (SIGKILL), terminated (SIGTERM), paused (SIGSTOP) and
 * resumed (SIGCONT) by pid, and started again with the same arguments (so the same database
 * directory).
 *
 * <p>Thread safety: every method may be called from any thread; the nemesis and the test thread
 * share one instance.
 */
public final class NodeProcess implements AutoCloseable {
  /** How long a start may take to print its READY line, in ms. */
  static final long READY_TIMEOUT_MS = 120_000;

  private final String name;
  private final String mainClass;
  private final List<String> args;
  private final Path log;
  private final List<String> jvmOptions;

  // Written under this (one signal or start at a time); read without it, so that a proxy can
  // ask for the pid while a start waits for READY.
  private volatile Process process;
  private volatile boolean paused;
  private int starts; // guarded by this

  /**
   * @param name the node's name, e.g. {@code n1}: it prints {@code READY n1} when ready
   * @param mainClass the node's main class
   * @param args its arguments
   * @param jvmOptions options for the node's JVM, e.g. {@code -Xmx256m}
   * @param log the file its output is appended to
   */
  public NodeProcess(String name, String mainClass, List<String> args, List<String> jvmOptions, Path log) {
    this.name = name;
    this.mainClass = mainClass;
    this.args = List.copyOf(args);
    this.jvmOptions = List.copyOf(jvmOptions);
    this.log = log;
  }

  /** The node's name. */
  public String name() {
    return name;
  }

  /** The file its output goes to. */
  public Path log() {
    return log;
  }

  /**
   * Starts the node and waits until it printed its READY line.
   *
   * @throws IllegalStateException if it is running already
   * @throws AssertionError if it exits or is not ready within {@link #READY_TIMEOUT_MS} (it is
   *     killed then), with the end of its log
   * @throws UncheckedIOException if the JVM cannot be launched
   */
  public synchronized void start() throws InterruptedException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(name + " is running");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(testClassPath());
    command.add(ParentWatchdog.class.getName());
    command.add(Long.toString(ProcessHandle.current().pid()));
    command.add(mainClass);
    command.addAll(args);
    long offset;
    try {
      Files.createDirectories(log.getParent());
      Files.writeString(log, "=== start " + (++starts) + ": " + String.join(" ", args) + "\n",
          StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      offset = Files.size(log);
      process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot launch " + name, e);
    }
    paused = false;
    awaitReady(offset);
  }

  private void awaitReady(long offset) throws InterruptedException {
    String ready = "READY " + name;
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MS);
    while (true) {
      if (newOutput(offset).lines().anyMatch(ready::equals)) {
        return;
      }
      if (!process.isAlive()) {
        throw new AssertionError(name + " exited with status " + process.exitValue() + " before READY:\n" + tail(60));
      }
      if (System.nanoTime() > deadline) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(name + " not READY within " + READY_TIMEOUT_MS + " ms:\n" + tail(60));
      }
      Thread.sleep(50);
    }
  }

  private String newOutput(long offset) {
    try {
      byte[] all = Files.readAllBytes(log);
      return new String(all, (int) Math.min(offset, all.length), (int) Math.max(0, all.length - offset),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether the node's JVM is running (a paused one is). */
  public boolean isAlive() {
    Process p = process;
    return p != null && p.isAlive();
  }

  /** The running JVM's pid; -1 if none. */
  public long pid() {
    Process p = process;
    return p != null && p.isAlive() ? p.pid() : -1;
  }

  /**
   * Kills the node with SIGKILL and waits for it to exit; nothing if it is not running.
   *
   * @throws AssertionError if it does not exit within 30 s
   */
  public synchronized void kill() throws InterruptedException {
    if (!isAlive()) {
      return;
    }
    process.destroyForcibly(); // SIGKILL; it also ends a stopped process
    awaitExit("SIGKILL");
    paused = false;
  }

  /**
   * Sends SIGTERM and waits for a graceful exit; nothing if it is not running.
   *
   * @return the exit status
   * @throws AssertionError if it does not exit within 60 s (it is killed then)
   */
  public synchronized int terminate() throws InterruptedException {
    if (!isAlive()) {
      return process == null ? -1 : process.exitValue();
    }
    if (paused) {
      resume();
    }
    process.destroy(); // SIGTERM
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError(name + " ignored SIGTERM for 60 s:\n" + tail(40));
    }
    return process.exitValue();
  }

  /** Stops the node's JVM with SIGSTOP (its sockets stay open; it answers nothing). */
  public synchronized void pause() throws InterruptedException {
    signal("STOP");
    paused = true;
  }

  /** Continues a node stopped by {@link #pause()} with SIGCONT. */
  public synchronized void resume() throws InterruptedException {
    signal("CONT");
    paused = false;
  }

  /** Whether the node was paused and not resumed. */
  public boolean isPaused() {
    return paused && isAlive();
  }

  private void signal(String signal) throws InterruptedException {
    if (!isAlive()) {
      throw new IllegalStateException(name + " is not running");
    }
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
          .redirectErrorStream(true).start();
      String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (kill.waitFor() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + process.pid() + ": " + out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("kill -" + signal, e);
    }
  }

  private void awaitExit(String how) throws InterruptedException {
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError(name + " still running 30 s after " + how);
    }
  }

  /** The last {@code lines} lines of the node's log (all its starts). */
  public String tail(int lines) {
    try {
      if (!Files.exists(log)) {
        return "(no log)";
      }
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  /** Kills the node if it runs (resuming it first if paused) and waits for its exit. */
  @Override
  public synchronized void close() throws InterruptedException {
    if (process == null) {
      return;
    }
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    if (process.isAlive()) {
      process.destroyForcibly(); // SIGKILL ends a stopped process too
      awaitExit("close");
    }
    paused = false;
  }

  @Override
  public synchronized String toString() {
    return name + (isAlive() ? " pid " + process.pid() + (paused ? " (paused)" : "") : " (down)");
  }

  /** This JVM's class path as surefire gives it (not its manifest-only booter jar). */
  static String testClassPath() {
    String cp = System.getProperty("surefire.test.class.path");
    if (cp == null || cp.isEmpty()) {
      cp = System.getProperty("java.class.path");
    }
    String[] entries = cp.split(File.pathSeparator);
    List<String> kept = new ArrayList<>();
    for (String e : entries) {
      if (!e.isEmpty() && !kept.contains(e)) {
        kept.add(e);
      }
    }
    return String.join(File.pathSeparator, kept);
  }
}
