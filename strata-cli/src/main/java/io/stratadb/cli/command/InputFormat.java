package io.stratadb.cli.command;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** The line formats {@code strata load} reads. */
enum InputFormat {
  /** {@code key<TAB>value}; the value is everything after the first tab. */
  TSV,
  /** One JSON object per line: {@code {"key": "...", "value": "..."}}. */
  JSON,
  /** JSON if the first non-blank character of the file is <code>{</code>, otherwise TSV. */
  AUTO;

  /** The lower-case name used on the command line. */
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
      throw new TypeConversionException("expected tsv, json or auto but was '" + value + "'");
    }
  }
}
