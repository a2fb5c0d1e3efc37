package io.stratadb.cli.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * One figure measured over the rounds of {@code strata bench --rounds N}: its median, minimum and
 * maximum. The median of an even count is the mean of the two middle values (the usual
 * definition, as R's {@code median} and numpy's {@code median}). The median rather than the mean,
 * because on a shared machine one disturbed round is an outlier that the median ignores. Immutable.
 *
 * @param rounds how many values were summarised, at least 1
 * @param median the middle value
 * @param min the smallest value
 * @param max the largest value
 */
record RoundStats(int rounds, double median, double min, double max) {

  /**
   * Summarises {@code values} (not modified).
   *
   * @throws IllegalArgumentException if {@code values} is empty or holds NaN
   */
  static RoundStats of(double... values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no rounds to summarise");
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    if (Double.isNaN(sorted[sorted.length - 1])) {
      throw new IllegalArgumentException("a round's value is NaN");
    }
    int mid = sorted.length / 2;
    double median = sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    return new RoundStats(sorted.length, median, sorted[0], sorted[sorted.length - 1]);
  }

  /**
   * The range in three significant figures with a k or M suffix, e.g. {@code 488k-530k} or
   * {@code 1.04M-1.11M}, for a table cell.
   */
  String range() {
    return compact(min) + "-" + compact(max);
  }

  /** {@code value} in three significant figures: {@code 987}, {@code 98.7k}, {@code 1.23M}. */
  static String compact(double value) {
    double abs = Math.abs(value);
    if (abs >= 999_500) {
      return figures(value / 1e6) + "M";
    }
    if (abs >= 999.5) {
      return figures(value / 1e3) + "k";
    }
    return figures(value);
  }

  private static String figures(double v) {
    double abs = Math.abs(v);
    String pattern = abs >= 99.95 ? "%.0f" : abs >= 9.995 ? "%.1f" : "%.2f";
    return String.format(Locale.ROOT, pattern, v);
  }
}
