package io.stratadb.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;

class BenchChartTest {
  @TempDir Path tmp;

  @Test
  void axisLabelsAreCompactNotScientific() {
    assertEquals("0", BenchChart.compact(0.0));
    assertEquals("950", BenchChart.compact(950.0));
    assertEquals("12.5k", BenchChart.compact(12_500.0));
    assertEquals("250k", BenchChart.compact(250_000.0));
    assertEquals("1.5M", BenchChart.compact(1_500_000.0));
    assertEquals("3.25M", BenchChart.compact(3_250_000.0));
  }

  @Test
  void eachWorkloadHasItsOwnPanelAndAnEngineThatDidNotRunSaysNa() throws Exception {
    BenchChart.Panel seek = new BenchChart.Panel("seekrandom",
        List.of(new BenchChart.Bar("stratadb", 30_000), new BenchChart.Bar("leveldb", Double.NaN)));
    CategoryChart chart = BenchChart.panel(seek);
    CategorySeries series = chart.getSeriesMap().get("ops/sec");
    List<Object> names = new ArrayList<>();
    series.getXData().forEach(names::add);
    assertEquals(List.of("stratadb", "leveldb (n/a)"), names);
    List<Number> values = new ArrayList<>();
    series.getYData().forEach(values::add);
    assertEquals(30_000.0, values.get(0).doubleValue());
    assertNull(values.get(1), "no bar, rather than a bar of 0");
    assertEquals("seekrandom", chart.getTitle());
    assertEquals(0.0, chart.getStyler().getYAxisMin(), "each panel's axis starts at zero");

    List<BenchChart.Panel> panels = new ArrayList<>();
    for (String w : List.of("fillseq", "fillrandom", "readseq", "seekrandom")) {
      panels.add(new BenchChart.Panel(w,
          List.of(new BenchChart.Bar("stratadb", 3e6), new BenchChart.Bar("rocksdb", 1e6))));
    }
    Path png = tmp.resolve("results.png");
    BenchChart.write(png, "title", "num=1000 valueSize=100", panels);
    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(3 * 420, image.getWidth(), "three panels a row");
    assertEquals(70 + 2 * 320, image.getHeight(), "four workloads: two rows under the header");
  }
}
