package io.stratadb.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.stratadb.CorruptionException;
import org.junit.jupiter.api.Test;

/**
 * Inputs that broke {@link VersionEdit#decode} in {@link VersionEditFuzzTest}, kept as explicit
 * bytes. Each decoded before the fix into an edit the rest of the engine cannot handle: a table
 * whose key range is not made of internal keys (comparing it throws), or negative numbers.
 */
class VersionEditFuzzRegressionTest {

  private static void decodeFails(byte[] record) {
    CorruptionException e = assertThrows(CorruptionException.class,
        () -> VersionEdit.decode(record, "MANIFEST-000004", 12));
    assertEquals("MANIFEST-000004", e.file());
    assertEquals(12, e.offset());
  }

  /** Shrunk from arbitraryRecordsDecodeOrCorruption: tag 7 (new file) at L0, #0, 0 bytes, empty keys. */
  @Test
  void newFileWithEmptyKeysIsCorruption() {
    decodeFails(new byte[] {7, 0, 0, 0, 0, 0});
  }

  /** A 7-byte smallest key: one byte short of an internal key's trailer. */
  @Test
  void newFileWithAKeyShorterThanATrailerIsCorruption() {
    decodeFails(new byte[] {7, 0, 5, 9, 7, 1, 2, 3, 4, 5, 6, 7, 8, 1, 1, 1, 1, 1, 1, 1, 1});
  }

  /** Smallest "b"@1 after largest "a"@1. */
  @Test
  void newFileWhoseSmallestKeyIsAfterItsLargestIsCorruption() {
    decodeFails(new byte[] {7, 1, 5, 9, 9, 'b', 1, 1, 0, 0, 0, 0, 0, 0, 9, 'a', 1, 1, 0, 0, 0, 0, 0, 0});
  }

  /** Tag 2 (log number) with a 10-byte varint setting the sign bit. */
  @Test
  void negativeLogNumberIsCorruption() {
    decodeFails(new byte[] {2, -1, -1, -1, -1, -1, -1, -1, -1, -1, 1});
  }

  /** Tag 4 (last sequence) of 2^56: past what an internal key holds. */
  @Test
  void lastSequencePastTheInternalKeyRangeIsCorruption() {
    decodeFails(new byte[] {4, -128, -128, -128, -128, -128, -128, -128, -128, 1});
  }

  /** The well-formed version of the third input decodes (the checks reject only what is wrong). */
  @Test
  void wellFormedNewFileDecodes() {
    VersionEdit edit = VersionEdit.decode(
        new byte[] {7, 1, 5, 9, 9, 'a', 1, 1, 0, 0, 0, 0, 0, 0, 9, 'b', 1, 1, 0, 0, 0, 0, 0, 0}, "m", 0);
    assertEquals(1, edit.newFiles().size());
    assertEquals(5, edit.newFiles().get(0).file().number());
  }
}
