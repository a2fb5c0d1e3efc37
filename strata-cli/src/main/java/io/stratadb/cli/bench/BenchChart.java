package io.stratadb.cli.bench;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.CategoryStyler;

/**
 * The PNG chart of {@code strata bench --compare}: one panel per workload, each with its own
 * linear ops/sec axis from zero (so a seek workload's bars are not flattened by readseq's on a
 * shared scale), the engines side by side with their values printed on the bars and an engine
 * that did not run the workload labelled {@code n/a}; the axis reads {@code 250k}, {@code 1.5M},
 * never scientific notation; above the panels, the title and the run's settings. Drawn with
 * XChart, panels composed with Java 2D (headless). Stateless.
 */
final class BenchChart {
  /** Panels per row. */
  static final int COLUMNS = 3;
  private static final int PANEL_WIDTH = 420;
  private static final int PANEL_HEIGHT = 320;
  private static final int HEADER_HEIGHT = 70;

  /** One bar: an engine's median ops/sec for a workload, or NaN when it did not run it. */
  record Bar(String engine, double opsPerSec) {}

  /** One panel: a workload and its bars, engines in the comparison's order. */
  record Panel(String workload, List<Bar> bars) {}

  private BenchChart() {}

  /**
   * Writes the chart.
   *
   * @param png the file to write
   * @param title the first header line
   * @param settings the second header line: the run's settings
   * @param panels one per workload, in order
   * @throws IOException if the file cannot be written
   */
  static void write(Path png, String title, String settings, List<Panel> panels) throws IOException {
    System.setProperty("java.awt.headless", "true");
    int columns = Math.max(1, Math.min(COLUMNS, panels.size()));
    int rows = Math.max(1, (panels.size() + columns - 1) / columns);
    BufferedImage image = new BufferedImage(columns * PANEL_WIDTH, HEADER_HEIGHT + rows * PANEL_HEIGHT,
        BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, image.getWidth(), image.getHeight());
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
      g.drawString(title, 12, 26);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      g.drawString(settings, 12, 50);
      for (int i = 0; i < panels.size(); i++) {
        BufferedImage panel = BitmapEncoder.getBufferedImage(panel(panels.get(i)));
        g.drawImage(panel, (i % columns) * PANEL_WIDTH, HEADER_HEIGHT + (i / columns) * PANEL_HEIGHT, null);
      }
    } finally {
      g.dispose();
    }
    ImageIO.write(image, "png", png.toFile());
  }

  /** The chart of one panel (package-private for tests). */
  static CategoryChart panel(Panel p) {
    CategoryChart chart = new CategoryChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT)
        .title(p.workload()).yAxisTitle("ops/sec").build();
    List<String> engines = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    for (Bar b : p.bars()) {
      boolean ran = !Double.isNaN(b.opsPerSec());
      engines.add(ran ? b.engine() : b.engine() + " (n/a)");
      values.add(ran ? b.opsPerSec() : null); // XChart draws no bar for null: the label says n/a
    }
    chart.addSeries("ops/sec", engines, values);
    CategoryStyler styler = chart.getStyler();
    styler.setLegendVisible(false);
    styler.setDecimalPattern("#,##0"); // the values printed on the bars
    styler.setLabelsVisible(true);
    styler.setLabelsRotation(0);
    styler.setLabelsPosition(0.9);
    styler.setLabelsFontColorAutomaticEnabled(false);
    styler.setLabelsFontColor(Color.BLACK);
    styler.setYAxisMin(0.0);
    styler.setyAxisTickLabelsFormattingFunction(BenchChart::compact);
    styler.setXAxisLabelRotation(0);
    return chart;
  }

  /** {@code 950}, {@code 12.5k}, {@code 1.25M}: ops/sec for an axis label. */
  static String compact(Double value) {
    double v = value == null ? 0 : value;
    if (Math.abs(v) >= 1e6) {
      return trim(String.format(Locale.ROOT, "%.2f", v / 1e6)) + "M";
    }
    if (Math.abs(v) >= 1e3) {
      return trim(String.format(Locale.ROOT, "%.1f", v / 1e3)) + "k";
    }
    return trim(String.format(Locale.ROOT, "%.1f", v));
  }

  private static String trim(String decimal) {
    return decimal.contains(".") ? decimal.replaceAll("0+$", "").replaceAll("\\.$", "") : decimal;
  }
}
