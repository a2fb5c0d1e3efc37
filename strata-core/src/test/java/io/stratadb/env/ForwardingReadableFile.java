package io.stratadb.env;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * TEST ONLY: a {@link ReadableFile} that forwards every call to another; test files extend it and
 * override only the calls they count or record. Thread-safe as the file it forwards to is.
 */
public class ForwardingReadableFile implements ReadableFile {
  /** The file calls go to. */
  protected final ReadableFile delegate;

  public ForwardingReadableFile(ReadableFile delegate) {
    this.delegate = delegate;
  }

  @Override
  public int read(long position, byte[] dst, int off, int len) throws IOException {
    return delegate.read(position, dst, off, len);
  }

  @Override
  public long size() throws IOException {
    return delegate.size();
  }

  @Override
  public ByteBuffer mapping() throws IOException {
    return delegate.mapping();
  }

  @Override
  public void prefetch(long offset, long length) {
    delegate.prefetch(offset, length);
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }
}
