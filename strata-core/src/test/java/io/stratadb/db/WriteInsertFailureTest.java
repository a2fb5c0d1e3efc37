package io.stratadb.db;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.stratadb.Db;
import io.stratadb.Options;
import io.stratadb.StrataIOException;
import io.stratadb.WriteBatch;
import io.stratadb.WriteOptions;
import io.stratadb.env.FaultInjectionFileSystem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A memtable insert that fails part-way through a write group (an OutOfMemoryError in practice):
 * the database turns read-only, so no write is acknowledged on top of the torn group, nothing
 * hangs, and reopening after a crash recovers a prefix of the writes.
 */
@Timeout(120) // seconds; a hang prints every thread's stack (junit-platform.properties)
class WriteInsertFailureTest {
  private static final byte[] BOOM = b("boom");

  @TempDir Path tmp;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Throws {@code failure} on a put of {@link #BOOM}, after the entries before it went in. */
  private static final class FailingInserter extends MemtableInserter {
    private final Supplier<Throwable> failure;

    FailingInserter(Supplier<Throwable> failure) {
      this.failure = failure;
    }

    @Override
    public void put(byte[] buf, int keyOffset, int keyLength, int valueOffset, int valueLength) {
      if (Arrays.equals(buf, keyOffset, keyOffset + keyLength, BOOM, 0, BOOM.length)) {
        Throwable t = failure.get();
        if (t instanceof Error error) {
          throw error;
        }
        throw (RuntimeException) t;
      }
      super.put(buf, keyOffset, keyLength, valueOffset, valueLength);
    }
  }

  @Test
  void aFailedInsertWithoutTheWalTurnsTheDatabaseReadOnlyAndRecoveryKeepsAPrefix() throws Exception {
    tornGroup(WriteOptions.withoutWal(), false, () -> new IllegalStateException("injected bug"));
  }

  @Test
  void aFailedInsertOfALoggedGroupTurnsTheDatabaseReadOnlyAndRecoveryReplaysTheWholeRecord() throws Exception {
    tornGroup(WriteOptions.defaults(), true, () -> new OutOfMemoryError("injected"));
  }

  private void tornGroup(WriteOptions torn, boolean logged, Supplier<Throwable> failure) throws Exception {
    FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
    Path dir = tmp.resolve("db");
    Path copy = tmp.resolve("copy");
    try (DbImpl db = (DbImpl) Db.open(dir, Options.builder().fileSystem(fs).build())) {
      db.put(b("before"), b("1"));
      db.writePath.TEST_setMemtableInserter(new FailingInserter(failure));
      WriteBatch batch = new WriteBatch().put(b("x"), b("1")).put(BOOM, b("1")).put(b("y"), b("1"));
      StrataIOException e = assertThrows(StrataIOException.class, () -> db.write(batch, torn));
      assertEquals(failure.get().getClass(), e.getCause().getClass());
      assertNull(db.get(b("x")), "part of a torn batch is visible");
      // no write is acknowledged on top of the torn group, and none waits forever
      assertThrows(StrataIOException.class, () -> db.put(b("after"), b("1")));
      assertThrows(StrataIOException.class, () -> db.put(b("after"), b("1"), WriteOptions.withoutWal()));
      assertThrows(StrataIOException.class, () -> db.put(b("after"), b("1"), WriteOptions.syncWrites()));
      assertThrows(StrataIOException.class, db::syncWal);
      assertArrayEquals(b("1"), db.get(b("before")), "reads go on");
      fs.copyAsAfterProcessCrash(dir, copy);
    } catch (StrataIOException closeFailure) {
      // close reports the background error; the crash copy was taken before it
    }
    try (Db db = Db.open(copy, Options.defaults())) {
      assertArrayEquals(b("1"), db.get(b("before")));
      assertNull(db.get(b("after")));
      for (String key : new String[] {"x", "boom", "y"}) { // the WAL record holds the whole batch
        assertEquals(logged, db.get(b(key)) != null, key);
      }
    }
  }
}
