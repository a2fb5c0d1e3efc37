package io.stratadb.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link CommandTable}: names looked up from request bytes in any ASCII case, as Redis does. */
class CommandTableTest {

  @Test
  void namesAreFoundInAnyAsciiCaseAndNothingElseIs() {
    List<String> names = List.of("get", "set", "getdel", "incrby", "client", "dbsize", "a", "b", "c", "d", "e", "f");
    CommandTable.Builder b = new CommandTable.Builder();
    for (String n : names) {
      b.add(n, -1, "fast", 0, 0, 0, (session, args) -> Reply.OK);
    }
    CommandTable table = b.build();
    for (String n : names) {
      assertEquals(n, table.lookup(n.getBytes(UTF_8)).name());
      assertEquals(n, table.lookup(n.toUpperCase().getBytes(UTF_8)).name());
      assertEquals(n, table.lookup(n.substring(0, 1).toUpperCase().concat(n.substring(1)).getBytes(UTF_8)).name());
      assertNull(table.lookup((n + "x").getBytes(UTF_8)));
      assertNull(table.lookup(n.substring(0, n.length() - 1).getBytes(UTF_8)));
    }
    assertNull(table.lookup(new byte[0]));
    assertNull(table.lookup("g\u0130t".getBytes(UTF_8))); // not ASCII: Redis's strcasecmp matches nothing
    assertNull(table.lookup(new byte[] {'G' + 32 - 64, 'E', 'T'})); // '\'' is not a case of 'g'
  }
}
