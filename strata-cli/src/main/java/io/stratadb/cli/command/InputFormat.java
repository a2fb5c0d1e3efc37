package io.stratadb.cli.command;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** The line formats {@code strata load} reads. */
enum InputFormat {
  /** {@code key<TAB>value}; the value is everything after the first tab, taken as it is. */
  TSV,
  /**
   * {@code key<TAB>value} with C-style escapes in both, as {@code strata scan} prints them: {@code
   * \t}, {@code \n}, {@code \r}, {@code \\}, {@code \'} and {@code \xHH} (any byte), see {@link
   * io.stratadb.cli.Utf8#unescape}.
   */
  ESCAPED,
  /** {@code key<TAB>value}, both in hex, as {@code strata scan --hex} prints them. */
  HEX,
  /** {@code key<TAB>value}, both in base64, as {@code strata scan --base64} prints them. */
  BASE64,
  /** One JSON object per line: {@code {"key": "...", "value": "..."}}. */
  JSON,
  /** JSON if the first non-blank character of the file is <code>{</code>, otherwise TSV. */
  AUTO;

  /**
   * The lower-case name used on the command line.
   *
   * @return e.g. {@code "tsv"}
   */
  String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Converts {@code tsv|json|auto} (any case) for picocli. Stateless; thread-safe. */
  static final class Converter implements ITypeConverter<InputFormat> {
    @Override
    public InputFormat convert(String value) {
      for (InputFormat f : values()) {
        if (f.cliName().equalsIgnoreCase(value)) {
          return f;
        }
      }
      throw new TypeConversionException("expected tsv, escaped, hex, base64, json or auto but was '" + value + "'");
    }
  }
}
