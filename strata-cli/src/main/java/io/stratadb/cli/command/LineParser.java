package io.stratadb.cli.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.stratadb.cli.Utf8;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Parses the lines of a {@code strata load} input file into {@link KeyValue}s and checks them
 * against the engine's size limits, so a bad line is reported with its number before it reaches a
 * {@link io.stratadb.WriteBatch}.
 *
 * <ul>
 *   <li>TSV: {@code key<TAB>value}; the value is everything after the first tab and may contain
 *       tabs. A line without a tab is an error unless {@code keyOnly}, when it is a key with an
 *       empty value (so word lists load).
 *   <li>ESCAPED, HEX, BASE64: as TSV, with key and value each decoded: C-style escapes ({@link
 *       Utf8#unescape}), hex or base64; what {@code strata scan} prints, with or without {@code
 *       --hex} or {@code --base64}.
 *   <li>JSON: one object per line with string members {@code "key"} and {@code "value"} ({@code
 *       "value"} may be omitted with {@code keyOnly}); other members are ignored.
 *   <li>AUTO: decided by the first non-blank line: JSON if it starts with <code>{</code>.
 * </ul>
 *
 * Blank lines (empty or only white space) are skipped. A UTF-8 byte order mark at the start of the
 * first line is dropped. Not thread-safe: one parser reads one file, line by line.
 */
final class LineParser {

  private static final ObjectReader JSON = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build()
      .reader();

  private InputFormat format;
  private final boolean keyOnly;
  private final int maxKeySize;
  private final int maxValueSize;
  private boolean firstLine = true;

  /**
   * @param format the format; {@link InputFormat#AUTO} is resolved at the first non-blank line
   * @param keyOnly whether a line may hold a key alone (the value is then empty)
   * @param maxKeySize largest key accepted, in bytes
   * @param maxValueSize largest value accepted, in bytes
   */
  LineParser(InputFormat format, boolean keyOnly, int maxKeySize, int maxValueSize) {
    this.format = format;
    this.keyOnly = keyOnly;
    this.maxKeySize = maxKeySize;
    this.maxValueSize = maxValueSize;
  }

  /**
   * The longest line worth reading, in bytes: one holding a key and a value of the largest sizes
   * in the most verbose format (JSON's {@code \u0000}, six characters per byte), plus some slack;
   * at most {@code Integer.MAX_VALUE - 16}, the largest array. A longer line is an error, found
   * without buffering it whole.
   *
   * @return the bound in bytes
   */
  int maxLineBytes() {
    return (int) Math.min(Integer.MAX_VALUE - 16, 6L * ((long) maxKeySize + maxValueSize) + 1024);
  }

  /** The format in use: {@link InputFormat#AUTO} until the first non-blank line was parsed. */
  InputFormat format() {
    return format;
  }

  /**
   * Parses one line (without its line terminator).
   *
   * @return the entry, or null for a blank line, which is skipped
   * @throws BadLineException if the line is malformed or its key or value is too large
   */
  KeyValue parse(String line) throws BadLineException {
    if (firstLine) {
      firstLine = false;
      if (line.startsWith("\uFEFF")) {
        line = line.substring(1);
      }
    }
    if (line.isBlank()) {
      return null;
    }
    if (format == InputFormat.AUTO) {
      format = line.strip().startsWith("{") ? InputFormat.JSON : InputFormat.TSV;
    }
    KeyValue kv = format == InputFormat.JSON ? parseJson(line) : parseFields(line);
    if (kv != null) {
      checkSizes(kv);
    }
    return kv;
  }

  private KeyValue parseFields(String line) throws BadLineException {
    int tab = line.indexOf('\t');
    if (tab < 0) {
      if (!keyOnly) {
        throw new BadLineException("missing tab between key and value (use --key-only to load a list of keys)");
      }
      return new KeyValue(field(line, "key"), new byte[0]);
    }
    return new KeyValue(field(line.substring(0, tab), "key"), field(line.substring(tab + 1), "value"));
  }

  /** The bytes of a key or value field in the format in use. */
  private byte[] field(String text, String what) throws BadLineException {
    try {
      return switch (format) {
        case ESCAPED -> Utf8.unescape(text);
        case HEX -> HexFormat.of().parseHex(text);
        case BASE64 -> Base64.getDecoder().decode(text);
        default -> Utf8.bytes(text);
      };
    } catch (IllegalArgumentException e) {
      throw new BadLineException("the " + what + " is not valid " + format.cliName() + ": " + e.getMessage());
    }
  }

  private KeyValue parseJson(String line) throws BadLineException {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new BadLineException("invalid JSON: " + e.getOriginalMessage().lines().findFirst().orElse(""));
    }
    if (node == null || !node.isObject()) {
      throw new BadLineException("expected a JSON object {\"key\": ..., \"value\": ...}");
    }
    String key = member(node, "key", false);
    String value = member(node, "value", keyOnly);
    return new KeyValue(Utf8.bytes(key), value == null ? new byte[0] : Utf8.bytes(value));
  }

  /** The string member {@code name}; null if absent and {@code optional}. */
  private static String member(JsonNode object, String name, boolean optional) throws BadLineException {
    JsonNode m = object.get(name);
    if (m == null) {
      if (optional) {
        return null;
      }
      throw new BadLineException("missing \"" + name + "\"");
    }
    if (!m.isTextual()) {
      throw new BadLineException("\"" + name + "\" must be a string, not " + m.getNodeType().toString().toLowerCase(Locale.ROOT));
    }
    return m.textValue();
  }

  private void checkSizes(KeyValue kv) throws BadLineException {
    if (kv.key().length > maxKeySize) {
      throw new BadLineException("key is " + kv.key().length + " bytes, over the maximum of " + maxKeySize);
    }
    if (kv.value().length > maxValueSize) {
      throw new BadLineException("value is " + kv.value().length + " bytes, over the maximum of " + maxValueSize);
    }
  }
}
