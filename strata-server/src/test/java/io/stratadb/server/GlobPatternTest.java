package io.stratadb.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GlobPatternTest {

  @ParameterizedTest(name = "{0} ~ {1} = {2}")
  @CsvSource({
    "*, '', true",
    "*, anything, true",
    "h?llo, hello, true",
    "h?llo, hllo, false",
    "h*llo, heeeello, true",
    "h*llo, hello!, false",
    "h[ae]llo, hallo, true",
    "h[ae]llo, hillo, false",
    "h[^e]llo, hallo, true",
    "h[^e]llo, hello, false",
    "h[a-b]llo, hbllo, true",
    "h[a-b]llo, hcllo, false",
    "user:*:name, user:42:name, true",
    "user:*:name, user:42:age, false",
    "*a*b*c*, xxaxxbxxcxx, true",
    "*a*b*c*, xxaxxcxxbxx, false",
    "a\\*b, a*b, true",
    "a\\*b, axb, false",
    "k*, k, true",
    "k*, j, false",
  })
  void matchesLikeRedis(String pattern, String key, boolean expected) {
    assertEquals(expected, GlobPattern.compile(pattern.getBytes(UTF_8)).matches(key.getBytes(UTF_8)));
  }

  @ParameterizedTest
  @CsvSource({"user:*, user:", "abc, abc", "*x, ''", "a?c, a", "a[b]c, a", "a\\*b*, a*b"})
  void literalPrefixStopsAtTheFirstWildcard(String pattern, String prefix) {
    assertArrayEquals(prefix.getBytes(UTF_8), GlobPattern.compile(pattern.getBytes(UTF_8)).literalPrefix());
  }
}
