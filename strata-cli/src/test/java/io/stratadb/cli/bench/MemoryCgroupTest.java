package io.stratadb.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** Where {@link MemoryCgroup} puts its group: below the process's own memory cgroup. */
class MemoryCgroupTest {
  @Test
  void findsTheProcessOwnMemoryGroupInCgroupV1AndV2() {
    String hybrid = "9:name=systemd:/\n5:devices:/\n4:cpu,memory:/process_api/f25c\n2:cpuacct:/\n0::/user.slice/x\n";
    assertEquals("/process_api/f25c", MemoryCgroup.ownPath(hybrid, true));
    assertEquals("/user.slice/x", MemoryCgroup.ownPath(hybrid, false));
    assertNull(MemoryCgroup.ownPath("0::/init.scope\n", true), "no v1 memory hierarchy");
    assertNull(MemoryCgroup.ownPath("4:memory:/a\n", false), "no v2 line");
    assertNull(MemoryCgroup.ownPath("", true));
  }
}
