package io.stratadb.env;

import java.io.IOException;

/**
 * TEST ONLY: a {@link WritableFile} that forwards every call to another; test files extend it and
 * override only the calls they delay or make fail. Thread-safe as the file it forwards to is.
 */
public class ForwardingWritableFile implements WritableFile {
  /** The file calls go to. */
  protected final WritableFile delegate;

  public ForwardingWritableFile(WritableFile delegate) {
    this.delegate = delegate;
  }

  @Override
  public void append(byte[] data, int off, int len) throws IOException {
    delegate.append(data, off, len);
  }

  @Override
  public void flush() throws IOException {
    delegate.flush();
  }

  @Override
  public void sync() throws IOException {
    delegate.sync();
  }

  @Override
  public long size() {
    return delegate.size();
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }
}
