package io.stratadb.cli.stress;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * What the crash test's child does between kills: {@link #OPS} (RocksDB db_stress: random puts,
 * deletes, batches, transactions, reads, scans, snapshots, flushes and compactions, every write
 * checked per key) or {@link #BANK} (Badger's bank test: transfers between accounts as
 * transactions; the total never changes). Immutable; thread-safe.
 */
enum StressMode {
  /** Random operations on {@code --keys} keys, verified key by key after each kill. */
  OPS,
  /** Money transfers between {@code --keys} accounts, each an optimistic transaction. */
  BANK;

  /** The name on the command line: {@code ops} or {@code bank}. */
  String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Converts {@code ops|bank} (any case) for picocli. Stateless; thread-safe. */
  static final class Converter implements ITypeConverter<StressMode> {
    /**
     * The mode named {@code value}.
     *
     * @throws TypeConversionException if it is neither {@code ops} nor {@code bank}
     */
    @Override
    public StressMode convert(String value) {
      for (StressMode m : values()) {
        if (m.label().equalsIgnoreCase(value.strip())) {
          return m;
        }
      }
      throw new TypeConversionException("expected ops or bank, got '" + value + "'");
    }
  }
}
