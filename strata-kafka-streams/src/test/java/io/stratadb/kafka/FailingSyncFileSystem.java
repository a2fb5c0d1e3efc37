package io.stratadb.kafka;

import io.stratadb.env.ForwardingFileSystem;
import io.stratadb.env.ForwardingWritableFile;
import io.stratadb.env.WritableFile;
import java.io.IOException;
import java.nio.file.Path;

/** The local file system, except that WAL fsyncs fail while {@link #failSyncs} is set. Test only. */
final class FailingSyncFileSystem extends ForwardingFileSystem {

  volatile boolean failSyncs;

  @Override
  public WritableFile newLogFile(Path path) throws IOException {
    return new ForwardingWritableFile(delegate.newLogFile(path)) {
      @Override
      public void sync() throws IOException {
        if (failSyncs) {
          throw new IOException("injected fsync failure of " + path);
        }
        super.sync();
      }
    };
  }
}
