package io.stratadb.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.CorruptionException;
import org.junit.jupiter.api.Test;

/**
 * Inputs that broke {@link WalBatch#decode} in {@link WalBatchFuzzTest}, kept as explicit bytes.
 * Each was accepted before the fix and would have put entries with impossible sequence numbers into
 * the memtable (an internal key holds a 56-bit sequence).
 */
class WalFuzzRegressionTest {

  private static CorruptionException decodeFails(byte[] record) {
    CorruptionException e = assertThrows(CorruptionException.class,
        () -> WalBatch.decode(record, "000003.log", 77, (seq, type, key, value) -> {
          throw new AssertionError("entry applied from a malformed record: sequence " + seq);
        }));
    assertEquals("000003.log", e.file());
    assertEquals(77, e.offset());
    return e;
  }

  /** Shrunk from damagedBatchesDecodeOrCorruption: sequence -1 (fixed64 all ones), one put of "" -> "". */
  @Test
  void negativeSequenceIsCorruption() {
    byte[] record = {-1, -1, -1, -1, -1, -1, -1, -1, 1, 0, 0, 0, 1, 0, 0};
    assertTrue(decodeFails(record).getMessage().contains("sequence out of range"));
  }

  /** Sequence 2^56 - 1 with two entries: the second one's sequence no longer fits 56 bits. */
  @Test
  void sequencePastTheInternalKeyRangeIsCorruption() {
    byte[] record = {-1, -1, -1, -1, -1, -1, -1, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0};
    decodeFails(record);
  }

  /** The last sequence that fits, with one entry, still decodes. */
  @Test
  void largestSequenceThatFitsDecodes() {
    byte[] record = {-1, -1, -1, -1, -1, -1, -1, 0, 1, 0, 0, 0, 1, 0, 0};
    long last = WalBatch.decode(record, "000003.log", 0, (seq, type, key, value) -> { });
    assertEquals((1L << 56) - 1, last);
  }
}
