package io.stratadb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ArgsTest {

  @ParameterizedTest
  @ValueSource(strings = {"0", "1", "-1", "42", "9223372036854775807", "-9223372036854775808"})
  void parsesWhatRedisParses(String s) {
    assertEquals(Long.parseLong(s), Args.tryParseLong(s.getBytes(StandardCharsets.US_ASCII)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-", "+1", " 1", "1 ", "01", "-0", "1.5", "9223372036854775808",
      "-9223372036854775809", "99999999999999999999", "abc"})
  void rejectsWhatRedisRejects(String s) {
    assertNull(Args.tryParseLong(s.getBytes(StandardCharsets.US_ASCII)));
  }
}
