package io.stratadb.ycsb;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FieldCodecTest {

  private static Map<String, byte[]> record() {
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("field0", "abc".getBytes(UTF_8));
    m.put("fïeld1", new byte[0]);
    m.put("f2", new byte[] {0, -1, 7});
    return m;
  }

  @Test
  void encodesTheDocumentedVersionOneLayout() {
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("ab", new byte[] {9});

    assertArrayEquals(new byte[] {1, 0, 0, 0, 1, 0, 0, 0, 2, 'a', 'b', 0, 0, 0, 1, 9}, FieldCodec.encode(m));
    assertArrayEquals(new byte[] {1, 0, 0, 0, 0}, FieldCodec.encode(Map.of()));
  }

  @Test
  void decodeReturnsEveryFieldInStoredOrder() {
    Map<String, byte[]> back = FieldCodec.decode(FieldCodec.encode(record()));

    assertEquals(List.of("field0", "fïeld1", "f2"), List.copyOf(back.keySet()));
    record().forEach((k, v) -> assertArrayEquals(v, back.get(k), k));
  }

  @Test
  void decodeToAVisitorHandsOutViewsOfTheRecordAndReusesNames() {
    byte[] encoded = FieldCodec.encode(record());
    FieldNames names = new FieldNames();
    List<String> first = new ArrayList<>();
    Map<String, byte[]> viewed = new LinkedHashMap<>();
    FieldCodec.decode(encoded, null, names, (name, bytes, offset, length) -> {
      assertSame(encoded, bytes, "a view, not a copy");
      first.add(name);
      viewed.put(name, Arrays.copyOfRange(bytes, offset, offset + length));
    });
    assertEquals(List.of("field0", "fïeld1", "f2"), first);
    record().forEach((k, v) -> assertArrayEquals(v, viewed.get(k), k));

    Map<String, byte[]> reordered = new LinkedHashMap<>();
    reordered.put("f2", new byte[] {1});
    reordered.put("field0", new byte[] {2});
    List<String> second = new ArrayList<>();
    FieldCodec.decode(FieldCodec.encode(reordered), null, names, (name, bytes, offset, length) -> second.add(name));
    assertEquals(List.of("f2", "field0"), second);
    assertSame(first.get(2), second.get(0), "the string decoded before, found out of position");
    assertSame(first.get(0), second.get(1));
  }

  @Test
  void aMalformedRecordHandsNothingToTheVisitor() {
    byte[] encoded = FieldCodec.encode(record());
    byte[] longer = Arrays.copyOf(encoded, encoded.length + 1);
    List<String> seen = new ArrayList<>();
    assertThrows(IllegalArgumentException.class,
        () -> FieldCodec.decode(longer, null, new FieldNames(), (name, bytes, offset, length) -> seen.add(name)));
    assertEquals(List.of(), seen);
  }

  @Test
  void fieldNamesPastTheCapacityAreStillDecoded() {
    FieldNames names = new FieldNames();
    for (int i = 0; i < 100; i++) {
      byte[] name = ("name" + i).getBytes(UTF_8);
      assertEquals("name" + i, names.name(name, 0, name.length, i));
    }
    byte[] early = "xname5".getBytes(UTF_8);
    assertEquals("name5", names.name(early, 1, early.length - 1, 0));
  }

  @Test
  void decodeKeepsOnlyTheWantedFields() {
    Map<String, byte[]> back = FieldCodec.decode(FieldCodec.encode(record()), Set.of("f2", "absent"));

    assertEquals(Set.of("f2"), back.keySet());
    assertArrayEquals(new byte[] {0, -1, 7}, back.get("f2"));
  }

  @Test
  void unknownVersionIsRejected() {
    byte[] bytes = FieldCodec.encode(record());
    bytes[0] = 2;

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FieldCodec.decode(bytes));
    assertTrue(e.getMessage().contains("version 2"), e.getMessage());
  }

  @Test
  void everyTruncationIsRejected() {
    byte[] bytes = FieldCodec.encode(record());
    for (int len = 0; len < bytes.length; len++) {
      byte[] cut = Arrays.copyOf(bytes, len);
      assertThrows(IllegalArgumentException.class, () -> FieldCodec.decode(cut), "length " + len);
    }
  }

  @Test
  void trailingBytesAndOversizedLengthsAreRejected() {
    byte[] bytes = FieldCodec.encode(record());
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FieldCodec.decode(longer));
    assertTrue(e.getMessage().contains("trailing"), e.getMessage());

    byte[] huge = bytes.clone();
    huge[5] = (byte) 0x80;
    e = assertThrows(IllegalArgumentException.class, () -> FieldCodec.decode(huge));
    assertTrue(e.getMessage().contains("offset 5"), e.getMessage());
  }

  @Test
  void nullFieldsAreRejected() {
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("f", null);

    assertThrows(IllegalArgumentException.class, () -> FieldCodec.encode(m));
  }
}
