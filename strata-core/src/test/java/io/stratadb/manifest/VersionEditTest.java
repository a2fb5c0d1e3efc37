package io.stratadb.manifest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.CorruptionException;
import io.stratadb.key.InternalKey;
import io.stratadb.key.ValueType;
import io.stratadb.util.ByteSink;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class VersionEditTest {

  static FileMetadata file(long number, String smallest, String largest) {
    return new FileMetadata(number, number * 1000 + 7, InternalKey.encode(smallest.getBytes(UTF_8), number, ValueType.PUT),
        InternalKey.encode(largest.getBytes(UTF_8), number + 1, ValueType.DELETE));
  }

  private static VersionEdit full() {
    return new VersionEdit()
        .comparatorName(VersionEdit.COMPARATOR_NAME)
        .logNumber(12)
        .nextFileNumber(Long.MAX_VALUE)
        .lastSequence(InternalKey.MAX_SEQUENCE)
        .deleteFile(0, 3)
        .deleteFile(6, 1L << 40)
        .addFile(0, file(20, "a", "m"))
        .addFile(1, file(21, "", "\u00ff"))
        .addFile(6, file(22, "x", "z"));
  }

  private static void assertSameFile(FileMetadata expected, FileMetadata actual) {
    assertEquals(expected.number(), actual.number());
    assertEquals(expected.size(), actual.size());
    assertArrayEquals(expected.smallest(), actual.smallest());
    assertArrayEquals(expected.largest(), actual.largest());
  }

  @Test
  void everyFieldRoundTrips() {
    VersionEdit edit = full();
    VersionEdit decoded = VersionEdit.decode(edit.encode(), "MANIFEST-000001", 0);
    assertEquals(VersionEdit.COMPARATOR_NAME, decoded.comparatorName());
    assertEquals(12L, decoded.logNumber());
    assertEquals(Long.MAX_VALUE, decoded.nextFileNumber());
    assertEquals(InternalKey.MAX_SEQUENCE, decoded.lastSequence());
    assertEquals(edit.deletedFiles(), decoded.deletedFiles());
    assertEquals(3, decoded.newFiles().size());
    for (int i = 0; i < 3; i++) {
      assertEquals(edit.newFiles().get(i).level(), decoded.newFiles().get(i).level());
      assertSameFile(edit.newFiles().get(i).file(), decoded.newFiles().get(i).file());
    }
    assertArrayEquals(edit.encode(), decoded.encode(), "re-encoding is stable");
  }

  @Test
  void emptyEditHasNoFields() {
    VersionEdit decoded = VersionEdit.decode(new VersionEdit().encode(), "m", 0);
    assertNull(decoded.comparatorName());
    assertNull(decoded.logNumber());
    assertNull(decoded.nextFileNumber());
    assertNull(decoded.lastSequence());
    assertTrue(decoded.newFiles().isEmpty());
    assertTrue(decoded.deletedFiles().isEmpty());
    assertEquals(0, new VersionEdit().encode().length);
  }

  @Test
  void tagsAreLevelDbs() {
    assertArrayEquals(new byte[] {2, 5}, new VersionEdit().logNumber(5).encode());
    assertArrayEquals(new byte[] {3, 6}, new VersionEdit().nextFileNumber(6).encode());
    assertArrayEquals(new byte[] {4, 7}, new VersionEdit().lastSequence(7).encode());
    assertArrayEquals(new byte[] {6, 1, 9}, new VersionEdit().deleteFile(1, 9).encode());
  }

  @Test
  void unknownTagIsCorruptionNamingFileAndOffset() {
    for (int tag : new int[] {0, 5, 8, 9, 100}) {
      byte[] record = new ByteSink(0).putVarint64(2).putVarint64(1).putVarint64(tag).putVarint64(1).toByteArray();
      CorruptionException e = assertThrows(CorruptionException.class,
          () -> VersionEdit.decode(record, "MANIFEST-000004", 321));
      assertEquals("MANIFEST-000004", e.file());
      assertEquals(321, e.offset());
      assertTrue(e.getMessage().contains("tag"), e.getMessage());
    }
  }

  @Test
  void truncatedRecordIsCorruption() {
    byte[] record = full().encode();
    int corruptions = 0;
    for (int len = 1; len < record.length; len++) {
      byte[] cut = Arrays.copyOf(record, len);
      try {
        VersionEdit.decode(cut, "m", 9);
      } catch (CorruptionException e) {
        assertEquals(9, e.offset());
        corruptions++;
      }
    }
    // a cut exactly between two fields decodes as a shorter edit; every other cut is corruption
    assertTrue(corruptions > record.length / 2, corruptions + " of " + record.length);
    byte[] cutInsideNewFile = Arrays.copyOf(record, record.length - 3);
    assertThrows(CorruptionException.class, () -> VersionEdit.decode(cutInsideNewFile, "m", 0));
  }

  @Test
  void levelOutOfRangeIsCorruption() {
    byte[] deleted = new VersionEdit().deleteFile(Version.NUM_LEVELS, 1).encode();
    assertThrows(CorruptionException.class, () -> VersionEdit.decode(deleted, "m", 0));
    byte[] added = new VersionEdit().addFile(Version.NUM_LEVELS, file(1, "a", "b")).encode();
    assertThrows(CorruptionException.class, () -> VersionEdit.decode(added, "m", 0));
  }
}
