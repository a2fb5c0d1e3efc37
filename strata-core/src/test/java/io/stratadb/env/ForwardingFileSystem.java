package io.stratadb.env;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * TEST ONLY: a {@link FileSystem} that forwards every call to {@link LocalFileSystem}; test file
 * systems extend it and override only the calls they count or make fail. Thread-safe as the local
 * file system is.
 */
public abstract class ForwardingFileSystem implements FileSystem {
  /** The file system calls go to. */
  protected final FileSystem delegate = LocalFileSystem.INSTANCE;

  @Override
  public WritableFile newWritableFile(Path path) throws IOException {
    return delegate.newWritableFile(path);
  }

  @Override
  public ReadableFile openReadable(Path path) throws IOException {
    return delegate.openReadable(path);
  }

  @Override
  public void rename(Path source, Path target) throws IOException {
    delegate.rename(source, target);
  }

  @Override
  public void deleteIfExists(Path path) throws IOException {
    delegate.deleteIfExists(path);
  }

  @Override
  public boolean exists(Path path) {
    return delegate.exists(path);
  }

  @Override
  public List<String> listFileNames(Path dir) throws IOException {
    return delegate.listFileNames(dir);
  }

  @Override
  public void createDirectories(Path dir) throws IOException {
    delegate.createDirectories(dir);
  }

  @Override
  public void syncDirectory(Path dir) throws IOException {
    delegate.syncDirectory(dir);
  }

  @Override
  public FileLockHandle lock(Path path) throws IOException {
    return delegate.lock(path);
  }

  @Override
  public void link(Path existing, Path link) throws IOException {
    delegate.link(existing, link);
  }
}
