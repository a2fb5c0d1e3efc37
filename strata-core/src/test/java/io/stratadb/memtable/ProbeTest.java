package io.stratadb.memtable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProbeTest {

  @Test
  void prefixLongsOrderAsUnsignedBytes() {
    assertEquals(0x6162000000000000L, Probe.prefix(new byte[] {'a', 'b'}, 0, 0, 2));
    assertEquals(0L, Probe.prefix(new byte[] {'a', 'b'}, 0, 8, 2));
    byte[] nine = {1, 2, 3, 4, 5, 6, 7, 8, (byte) 0xff};
    assertEquals(0xff00000000000000L, Probe.prefix(nine, 0, 8, 9));
    assertEquals(0x0102030405060708L, Probe.prefix(nine, 0, 0, 9));
    assertTrue(Long.compareUnsigned(Probe.prefix(nine, 0, 8, 9), Probe.prefix(new byte[9], 0, 8, 9)) > 0);
    assertEquals(0x6200000000000000L, Probe.prefix(new byte[] {'x', 'a', 'b'}, 1, 1, 2), "from an offset");
  }

  @Test
  void anInternalKeyProbeSplitsUserKeyAndTrailer() {
    byte[] ikey = io.stratadb.key.InternalKey.encode(new byte[] {'a', 'b'}, 9, io.stratadb.key.ValueType.PUT);
    Probe p = Probe.ofInternalKey(ikey);
    assertEquals(2, p.userKeyLength);
    assertEquals((9L << 8) | io.stratadb.key.ValueType.PUT.code(), p.trailer);
    assertEquals(0x6162000000000000L, p.k0);
  }
}
