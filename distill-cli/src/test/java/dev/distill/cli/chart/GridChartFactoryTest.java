package dev.distill.cli.chart;

import static dev.distill.cli.chart.Pixels.DRAWN;
import static dev.distill.cli.chart.Pixels.count;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distill.cli.chart.LinePlot.Point;
import dev.distill.cli.chart.LinePlot.Series;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GridChartFactoryTest {
    @TempDir Path dir;

    static LinePlot panel(String title, Color c) {
        return new LinePlot(
                title,
                "",
                "",
                List.of(
                        new Series(
                                "run",
                                c,
                                LineStyle.SOLID,
                                List.of(
                                        new Point(1, 3, 0),
                                        new Point(2, 2, 0),
                                        new Point(3, 2.5, 0)))),
                List.of());
    }

    @Test
    void everyPanelIsDrawnInOnePngOfTheGridSize() throws IOException {
        List<LinePlot> panels = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            panels.add(panel("term " + i, ChartPalette.run(i)));
        }
        Path png = dir.resolve("grid.png");
        GridChartFactory.grid("loss terms", "checkpoint version", panels).writePng(png);
        BufferedImage img = Pixels.png(png, GridChartFactory.WIDTH, GridChartFactory.HEIGHT);
        for (int i = 0; i < 5; i++) {
            Color c = ChartPalette.run(i);
            assertTrue(
                    count(img, c) > DRAWN / 2,
                    "panel " + i + " has " + count(img, c) + " pixels of its colour");
        }
    }

    @Test
    void aSeriesInEveryPanelIsInTheLegendOnce() {
        Color c = ChartPalette.run(0);
        LinePlot empty =
                new LinePlot(
                        "term",
                        "",
                        "",
                        List.of(new Series("run", c, LineStyle.SOLID, List.of())),
                        List.of());
        int one = count(GridChartFactory.grid("t", "x", List.of(empty)).image(), c);
        int three = count(GridChartFactory.grid("t", "x", List.of(empty, empty, empty)).image(), c);
        assertTrue(one > 0, "the legend names the series");
        assertTrue(
                three == one,
                "legend entries: " + one + " pixels for one panel, " + three + " for three");
    }

    @Test
    void anEmptyGridKeepsItsSizeAndSaysSo() {
        BufferedImage img = GridChartFactory.grid("none", "x", List.of()).image();
        assertTrue(
                img.getWidth() == GridChartFactory.WIDTH
                        && img.getHeight() == GridChartFactory.HEIGHT);
        assertTrue(Pixels.inked(img) > 0, "not even the title and the message were drawn");
    }
}
