package io.stratadb.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DeviceProbe}: a rate where O_DIRECT works, else the reason there is none. */
class DeviceProbeTest {
  @TempDir Path tmp;

  @Test
  void theDeviceProbeSaysWhyItHasNoRate() throws Exception {
    DeviceProbe.Rate none = DeviceProbe.measure(List.of(Files.createDirectories(tmp.resolve("empty"))), 0.1);
    assertEquals(0, none.reads());
    assertEquals("n/a (no file of 4 KiB or more to read)", none.line());
    Files.write(tmp.resolve("empty/000001.sst"), new byte[64 * 1024]);
    DeviceProbe.Rate some = DeviceProbe.measure(List.of(tmp.resolve("empty")), 0.1);
    assertEquals(64 * 1024, some.fileBytes());
    // Where O_DIRECT works (a disk file system) reads were done; where it is refused (tmpfs) it says so.
    assertTrue(some.reads() > 0 ? some.reason().isEmpty() : some.line().contains("O_DIRECT reads refused"),
        some.line());
  }
}
