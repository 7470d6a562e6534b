package dev.distill.cli.chart;

import static dev.distill.cli.chart.Pixels.DRAWN;
import static dev.distill.cli.chart.Pixels.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distill.cli.chart.LinePlot.Point;
import dev.distill.cli.chart.LinePlot.Reference;
import dev.distill.cli.chart.LinePlot.Series;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineChartFactoryTest {
    static final Color RUN = ChartPalette.run(0);
    static final Color OTHER = ChartPalette.run(1);

    @TempDir Path dir;

    static Series series(String name, Color c, LineStyle style, Point... points) {
        return new Series(name, c, style, List.of(points));
    }

    static BufferedImage draw(List<Series> series, List<Reference> refs) {
        return LineChartFactory.lineChart(new LinePlot("t", "x", "y", series, refs)).image();
    }

    @Test
    void writesAPngOfTheChartSizeWithEverySeriesInItsColour() throws IOException {
        Figure f =
                LineChartFactory.lineChart(
                        new LinePlot(
                                "Rouge-L",
                                "checkpoint version",
                                "Rouge-L",
                                List.of(
                                        series(
                                                "a",
                                                RUN,
                                                LineStyle.SOLID,
                                                new Point(1, 20, 0.5),
                                                new Point(2, 22, 0.5),
                                                new Point(3, 23, 0.4)),
                                        series(
                                                "b",
                                                OTHER,
                                                LineStyle.DASHED,
                                                new Point(1, 19, 0),
                                                new Point(2, 21, 0),
                                                new Point(3, 24, 0))),
                                List.of()));
        Path png = dir.resolve("line.png");
        f.writePng(png);
        BufferedImage img = Pixels.png(png, LineChartFactory.WIDTH, LineChartFactory.HEIGHT);
        assertTrue(count(img, RUN) > DRAWN, "solid series has " + count(img, RUN) + " pixels");
        assertTrue(count(img, OTHER) > DRAWN, "dashed series has " + count(img, OTHER) + " pixels");
        assertTrue(count(img, ChartPalette.run(2)) == 0, "a colour of no series was drawn");
    }

    @Test
    void legendAloneStaysUnderTheDrawnThreshold() {
        BufferedImage empty =
                draw(List.of(series("nothing measured", RUN, LineStyle.SOLID)), List.of());
        assertTrue(count(empty, RUN) > 0, "the legend names the series");
        assertTrue(
                count(empty, RUN) < DRAWN / 3,
                "legend alone left " + count(empty, RUN) + " pixels");
    }

    @Test
    void referenceLinesAreDrawnAcrossThePlotInTheirColour() {
        BufferedImage without =
                draw(
                        List.of(
                                series(
                                        "a",
                                        RUN,
                                        LineStyle.SOLID,
                                        new Point(1, 20, 0),
                                        new Point(2, 22, 0))),
                        List.of());
        BufferedImage with =
                draw(
                        List.of(
                                series(
                                        "a",
                                        RUN,
                                        LineStyle.SOLID,
                                        new Point(1, 20, 0),
                                        new Point(2, 22, 0))),
                        List.of(
                                new Reference(
                                        "teacher 31.2",
                                        31.2,
                                        ChartPalette.TEACHER,
                                        LineStyle.DASHED),
                                new Reference(
                                        "SFT 20.1", 20.1, ChartPalette.SFT, LineStyle.DOTTED)));
        // Anti-aliased text may hit a reference colour in a pixel or two.
        assertTrue(
                count(without, ChartPalette.TEACHER) + count(without, ChartPalette.SFT)
                        < DRAWN / 10);
        assertTrue(
                count(with, ChartPalette.TEACHER) > DRAWN,
                "dashed reference: " + count(with, ChartPalette.TEACHER));
        assertTrue(
                count(with, ChartPalette.SFT) > DRAWN / 2,
                "dotted reference: " + count(with, ChartPalette.SFT));
    }

    @Test
    void aSpreadShowsAsABandAroundTheLine() {
        Point[] plain = {new Point(1, 20, 0), new Point(2, 22, 0), new Point(3, 21, 0)};
        Point[] spread = {new Point(1, 20, 1.5), new Point(2, 22, 1.5), new Point(3, 21, 1.5)};
        // The same y range for both, so that only the band differs.
        List<Reference> range =
                List.of(
                        new Reference("", 17, Color.WHITE, LineStyle.SOLID),
                        new Reference("", 25, Color.WHITE, LineStyle.SOLID));
        int lineOnly = Pixels.inked(draw(List.of(series("a", RUN, LineStyle.SOLID, plain)), range));
        int withBand =
                Pixels.inked(draw(List.of(series("a", RUN, LineStyle.SOLID, spread)), range));
        assertTrue(
                withBand > lineOnly + 5_000,
                "band added only " + (withBand - lineOnly) + " pixels");
    }

    @Test
    void aMissingValueBreaksTheLine() {
        BufferedImage joined =
                draw(
                        List.of(
                                series(
                                        "a",
                                        RUN,
                                        LineStyle.SOLID,
                                        new Point(1, 0, 0),
                                        new Point(3, 2, 0))),
                        List.of());
        BufferedImage broken =
                draw(
                        List.of(
                                series(
                                        "a",
                                        RUN,
                                        LineStyle.SOLID,
                                        new Point(1, 0, 0),
                                        Point.of(2, null),
                                        new Point(3, 2, 0))),
                        List.of());
        assertTrue(
                count(broken, RUN) < count(joined, RUN) - DRAWN,
                "broken line "
                        + count(broken, RUN)
                        + " vs joined "
                        + count(joined, RUN)
                        + " pixels");
    }

    @Test
    void degenerateSeriesDrawBeyondTheirLegend() {
        List<Series> cases =
                List.of(
                        series("one point", OTHER, LineStyle.SOLID, new Point(3, 20.0, 0.5)),
                        series(
                                "flat",
                                OTHER,
                                LineStyle.SOLID,
                                new Point(1, 5, 0),
                                new Point(2, 5, 0),
                                new Point(3, 5, 0)),
                        series(
                                "gaps",
                                OTHER,
                                LineStyle.DASHED,
                                Point.of(1, null),
                                Point.of(2, 0.3),
                                Point.of(3, Double.NaN),
                                Point.of(4, 0.2)));
        for (Series s : cases) {
            BufferedImage legendOnly = draw(List.of(series(s.name(), OTHER, s.style())), List.of());
            BufferedImage img =
                    draw(
                            List.of(s),
                            List.of(
                                    new Reference(
                                            "ref", 5, ChartPalette.TEACHER, LineStyle.DASHED)));
            assertEquals(LineChartFactory.WIDTH, img.getWidth());
            assertEquals(LineChartFactory.HEIGHT, img.getHeight());
            assertTrue(
                    count(img, OTHER) > count(legendOnly, OTHER),
                    s.name() + " drew nothing beyond its legend");
        }
    }

    @Test
    void aFailedWriteNamesTheChartAndTheFile() {
        Figure f =
                LineChartFactory.lineChart(
                        new LinePlot("Rouge-L per checkpoint", "x", "y", List.of(), List.of()));
        Path nowhere = dir.resolve("missing-dir").resolve("rouge.png");
        IOException e =
                org.junit.jupiter.api.Assertions.assertThrows(
                        IOException.class, () -> f.writePng(nowhere));
        assertTrue(
                e.getMessage().contains("Rouge-L per checkpoint")
                        && e.getMessage().contains(nowhere.toString()),
                e.getMessage());
    }
}
