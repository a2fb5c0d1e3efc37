package io.stratadb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cases of Redis's own sdssplitargs tests, and the quoting errors. */
class InlineArgsTest {

  private static List<String> split(String line) {
    return InlineArgs.split(line.getBytes(StandardCharsets.ISO_8859_1)).stream()
        .map(b -> new String(b, StandardCharsets.ISO_8859_1)).toList();
  }

  @Test
  void splitsLikeSdssplitargs() {
    assertEquals(List.of(), split(""));
    assertEquals(List.of(), split("   \t "));
    assertEquals(List.of("SET", "k", "v"), split("  SET k\tv  "));
    assertEquals(List.of("a b", "c"), split("\"a b\" c"));
    assertEquals(List.of("it's"), split("'it\\'s'"));
    assertEquals(List.of("a\\nb"), split("'a\\nb'"), "single quotes keep backslashes");
    assertEquals(List.of("a\nb\r\t\b\u0007\"\\z"), split("\"a\\nb\\r\\t\\b\\a\\\"\\\\\\z\""));
    assertEquals(List.of("AB\u00ff"), split("\"\\x41\\x42\\xff\""));
    assertEquals(List.of("xZZ"), split("\"\\xZZ\""), "not two hex digits: a plain escaped x");
    assertEquals(List.of(""), split("\"\""));
    assertEquals(List.of("", ""), split("'' \"\""));
    assertEquals(List.of("abc d"), split("ab\"c d\""), "a quote inside a word starts quoting, as in Redis");
    assertEquals(List.of("a"), split("a\u0000b c"), "C strings end at NUL");
  }

  @Test
  void unbalancedQuotesAreRefused() {
    for (String bad : new String[] {"SET \"a b", "SET 'a", "\"a\"b", "'a'b", "\"a\\\""}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> split(bad), bad);
      assertEquals("unbalanced quotes in request", e.getMessage());
    }
  }
}
