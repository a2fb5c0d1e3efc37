package io.stratadb.env;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * TEST ONLY: a {@link FileSystem} held in memory, so that a test can open, damage and reopen a
 * database thousands of times without disk I/O or fsync latency (LevelDB's {@code
 * helpers/memenv}). Files keep POSIX semantics where the engine relies on them: a file opened for
 * reading stays readable after it is deleted or renamed over, rename replaces atomically, and a
 * lock is exclusive. Syncs do nothing (nothing is ever lost).
 *
 * <p>{@link #snapshot(Path)} and {@link #restore(Path, Map)} copy a directory's files in and out
 * as byte arrays. Thread-safe.
 */
public final class MemoryFileSystem implements FileSystem {

  /** One file's contents; readers and the writer share it. Guarded by itself. */
  private static final class Node {
    private byte[] data = new byte[256];
    private int length;

    synchronized void append(byte[] src, int off, int len) {
      if (length + len > data.length) {
        data = Arrays.copyOf(data, Math.max(data.length * 2, length + len));
      }
      System.arraycopy(src, off, data, length, len);
      length += len;
    }

    synchronized int read(long position, byte[] dst, int off, int len) {
      if (position >= length) {
        return 0;
      }
      int n = (int) Math.min(len, length - position);
      System.arraycopy(data, (int) position, dst, off, n);
      return n;
    }

    synchronized int length() {
      return length;
    }

    synchronized byte[] bytes() {
      return Arrays.copyOf(data, length);
    }

    static Node of(byte[] content) {
      Node node = new Node();
      node.data = content.clone();
      node.length = content.length;
      return node;
    }
  }

  private final Map<Path, Node> files = new ConcurrentHashMap<>();
  private final Set<Path> directories = ConcurrentHashMap.newKeySet();
  private final Set<Path> locks = ConcurrentHashMap.newKeySet();

  private static Path norm(Path path) {
    return path.toAbsolutePath().normalize();
  }

  private void checkParent(Path path) throws IOException {
    Path parent = path.getParent();
    if (parent != null && !directories.contains(parent)) {
      throw new NoSuchFileException(parent.toString(), null, "no such directory");
    }
  }

  @Override
  public WritableFile newWritableFile(Path path) throws IOException {
    Path p = norm(path);
    checkParent(p);
    if (directories.contains(p)) {
      throw new FileNotFoundException(p + " (Is a directory)");
    }
    Node node = new Node();
    files.put(p, node);
    return new WritableFile() {
      private boolean closed;

      @Override
      public void append(byte[] data, int off, int len) throws IOException {
        if (closed) {
          throw new IOException("closed: " + p);
        }
        node.append(data, off, len);
      }

      @Override
      public void flush() {}

      @Override
      public void sync() {}

      @Override
      public long size() {
        return node.length();
      }

      @Override
      public void close() {
        closed = true;
      }
    };
  }

  @Override
  public ReadableFile openReadable(Path path) throws IOException {
    Node node = files.get(norm(path));
    if (node == null) {
      throw new NoSuchFileException(path.toString());
    }
    return new ReadableFile() {
      @Override
      public int read(long position, byte[] dst, int off, int len) {
        return node.read(position, dst, off, len);
      }

      @Override
      public long size() {
        return node.length();
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public synchronized void rename(Path source, Path target) throws IOException {
    Path s = norm(source);
    Path t = norm(target);
    checkParent(t);
    if (directories.contains(s)) {
      renameDirectory(s, t);
      return;
    }
    Node node = files.remove(s);
    if (node == null) {
      throw new NoSuchFileException(source.toString());
    }
    files.put(t, node);
  }

  /** Moves a directory and everything below it, as POSIX rename does; the target must not exist. */
  private void renameDirectory(Path s, Path t) throws IOException {
    if (files.containsKey(t) || directories.contains(t)) {
      throw new FileAlreadyExistsException(t.toString());
    }
    for (Path p : List.copyOf(files.keySet())) {
      if (p.startsWith(s)) {
        files.put(t.resolve(s.relativize(p)), files.remove(p));
      }
    }
    for (Path d : List.copyOf(directories)) {
      if (d.startsWith(s)) {
        directories.remove(d);
        directories.add(t.resolve(s.relativize(d)));
      }
    }
  }

  /** Deletes a file, or an empty directory. */
  @Override
  public void deleteIfExists(Path path) throws IOException {
    Path p = norm(path);
    if (directories.contains(p)) {
      for (Path f : files.keySet()) {
        if (f.startsWith(p)) {
          throw new java.nio.file.DirectoryNotEmptyException(path.toString());
        }
      }
      directories.remove(p);
      return;
    }
    files.remove(p);
  }

  @Override
  public boolean exists(Path path) {
    Path p = norm(path);
    return files.containsKey(p) || directories.contains(p);
  }

  @Override
  public List<String> listFileNames(Path dir) throws IOException {
    Path d = norm(dir);
    if (!directories.contains(d)) {
      throw new NoSuchFileException(dir.toString());
    }
    List<String> names = new ArrayList<>();
    for (Path p : files.keySet()) {
      if (d.equals(p.getParent())) {
        names.add(p.getFileName().toString());
      }
    }
    return names;
  }

  @Override
  public void createDirectories(Path dir) throws IOException {
    for (Path p = norm(dir); p != null; p = p.getParent()) {
      if (files.containsKey(p)) {
        throw new FileAlreadyExistsException(p.toString(), null, "a file is in the way");
      }
      directories.add(p);
    }
  }

  @Override
  public void syncDirectory(Path dir) throws IOException {
    if (!directories.contains(norm(dir))) {
      throw new NoSuchFileException(dir.toString());
    }
  }

  @Override
  public FileLockHandle lock(Path path) throws IOException {
    Path p = norm(path);
    checkParent(p);
    files.putIfAbsent(p, new Node());
    Node node = files.get(p);
    if (!locks.add(p)) {
      throw new IOException("lock held by another process or Db instance: " + path);
    }
    return new FileLockHandle() {
      @Override
      public boolean isValid() {
        return locks.contains(p) && files.get(p) == node;
      }

      @Override
      public void close() {
        locks.remove(p);
      }
    };
  }

  /** Links as POSIX does: both names share one node, so a write through either shows in both. */
  @Override
  public synchronized void link(Path existing, Path link) throws IOException {
    Path t = norm(link);
    checkParent(t);
    Node node = files.get(norm(existing));
    if (node == null) {
      throw new NoSuchFileException(existing.toString());
    }
    if (files.putIfAbsent(t, node) != null || directories.contains(t)) {
      throw new FileAlreadyExistsException(link.toString());
    }
  }

  /** Copies of the regular files directly in {@code dir}, by name (sorted). */
  public Map<String, byte[]> snapshot(Path dir) throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    Path d = norm(dir);
    for (String name : listFileNames(d)) {
      Node node = files.get(d.resolve(name));
      if (node != null) {
        out.put(name, node.bytes());
      }
    }
    return out;
  }

  /**
   * Replaces every file of {@code dir} (created if missing) by copies of {@code content}; files in
   * its subdirectories (a {@code lost/} left by a repair) are removed too.
   */
  public void restore(Path dir, Map<String, byte[]> content) throws IOException {
    Path d = norm(dir);
    createDirectories(d);
    files.keySet().removeIf(p -> p.startsWith(d));
    for (Map.Entry<String, byte[]> e : content.entrySet()) {
      files.put(d.resolve(e.getKey()), Node.of(e.getValue()));
    }
  }

  /** The contents of {@code path}, or null if there is no such file. */
  public byte[] read(Path path) {
    Node node = files.get(norm(path));
    return node == null ? null : node.bytes();
  }

  /** Creates or replaces {@code path} with a copy of {@code content}. */
  public void write(Path path, byte[] content) throws IOException {
    Path p = norm(path);
    checkParent(p);
    files.put(p, Node.of(content));
  }
}
