package io.stratadb.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FileNamesTest {
  private static final Path DIR = Path.of("db");

  private static FileNames.Parsed parse(Path path) {
    assertEquals(DIR, path.getParent());
    return FileNames.parse(path.getFileName().toString());
  }

  @Test
  void formattedNamesParseBack() {
    for (long n : new long[] {0, 1, 42, 999_999, 1_000_000, 123_456_789_012L, 999_999_999_999_999_999L}) {
      assertEquals(new FileNames.Parsed(FileNames.Kind.LOG, n), parse(FileNames.log(DIR, n)));
      assertEquals(new FileNames.Parsed(FileNames.Kind.TABLE, n), parse(FileNames.table(DIR, n)));
      assertEquals(new FileNames.Parsed(FileNames.Kind.MANIFEST, n), parse(FileNames.manifest(DIR, n)));
      assertEquals(new FileNames.Parsed(FileNames.Kind.TEMP, n), parse(FileNames.temp(DIR, n)));
    }
    assertEquals(new FileNames.Parsed(FileNames.Kind.CURRENT, 0), parse(FileNames.current(DIR)));
    assertEquals(new FileNames.Parsed(FileNames.Kind.LOCK, 0), parse(FileNames.lock(DIR)));
  }

  @Test
  void namesAreZeroPaddedToSixDigits() {
    assertEquals("000007.log", FileNames.log(DIR, 7).getFileName().toString());
    assertEquals("000007.sst", FileNames.table(DIR, 7).getFileName().toString());
    assertEquals("MANIFEST-000007", FileNames.manifestName(7));
    assertEquals("000007.dbtmp", FileNames.temp(DIR, 7).getFileName().toString());
    assertEquals("1234567.sst", FileNames.table(DIR, 1_234_567).getFileName().toString());
  }

  @Test
  void foreignNamesAreNotDatabaseFiles() {
    for (String name : new String[] {"", "foo", "123", ".log", "abc.log", "000001.txt", "000001.log.bak",
        "MANIFEST-", "MANIFEST-abc", "MANIFEST-12x", "-1.log", "1 .log", "current", "LOCK2", "LOG",
        "0000000000000000001.log" /* 19 digits */}) {
      assertNull(FileNames.parse(name), name);
    }
  }

  /** Regression: Character.isDigit accepted non-ASCII digits, so "\u0661\u0662.log" parsed as WAL 12. */
  @Test
  void nonAsciiDigitsAreNotFileNumbers() {
    assertNull(FileNames.parse("\u0661\u0662.log"));
    assertNull(FileNames.parse("MANIFEST-\u0661"));
  }
}
