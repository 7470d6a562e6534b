package dev.distill.cli.chart;

import static dev.distill.cli.chart.Pixels.DRAWN;
import static dev.distill.cli.chart.Pixels.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distill.cli.chart.ReliabilityDiagram.Bin;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReliabilityChartFactoryTest {
    @TempDir Path dir;

    /** Five bins whose accuracy falls {@code skew} short of their confidence. */
    static List<Bin> bins(double skew) {
        List<Bin> out = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            double conf = i / 5.0 + 0.1;
            out.add(
                    new Bin(
                            i / 5.0,
                            i / 5.0 + 0.2,
                            10L * (i + 1) * (i + 1),
                            conf,
                            Math.max(0, conf - skew)));
        }
        return out;
    }

    /** Pixels redder than they are green or blue: the translucent gap over white or over a bar. */
    static int reddish(BufferedImage img) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                Color c = new Color(img.getRGB(x, y));
                if (c.getRed() > c.getGreen() + 40 && c.getRed() > c.getBlue() + 40) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void everyDiagramIsDrawnInItsColourInOnePng() throws IOException {
        List<ReliabilityDiagram> diagrams =
                List.of(
                        new ReliabilityDiagram("run", ChartPalette.run(0), bins(0.15)),
                        new ReliabilityDiagram("SFT", ChartPalette.SFT, bins(0.1)),
                        new ReliabilityDiagram("teacher", ChartPalette.TEACHER, bins(0.02)));
        Path png = dir.resolve("reliability.png");
        ReliabilityChartFactory.reliability("reliability", diagrams).writePng(png);
        BufferedImage img =
                Pixels.png(png, ReliabilityChartFactory.WIDTH, ReliabilityChartFactory.HEIGHT);
        for (ReliabilityDiagram d : diagrams) {
            assertTrue(
                    count(img, d.color()) > DRAWN,
                    d.title() + " has " + count(img, d.color()) + " pixels");
        }
    }

    @Test
    void theGapToConfidenceIsShownInRedOnlyWhereThereIsOne() {
        Color c = ChartPalette.run(0);
        int calibrated =
                reddish(
                        ReliabilityChartFactory.reliability(
                                        "t",
                                        List.of(new ReliabilityDiagram("calibrated", c, bins(0))))
                                .image());
        int overconfident =
                reddish(
                        ReliabilityChartFactory.reliability(
                                        "t",
                                        List.of(
                                                new ReliabilityDiagram(
                                                        "overconfident", c, bins(0.15))))
                                .image());
        assertTrue(
                overconfident > calibrated + DRAWN,
                "gap pixels: " + overconfident + " vs " + calibrated);
    }

    @Test
    void noDiagramsOrNoTokensStillRenderAtTheFigureSize() {
        for (List<ReliabilityDiagram> diagrams :
                List.of(
                        List.<ReliabilityDiagram>of(),
                        List.of(
                                new ReliabilityDiagram(
                                        "no bins", ChartPalette.run(1), List.of())))) {
            BufferedImage img = ReliabilityChartFactory.reliability("none", diagrams).image();
            assertEquals(ReliabilityChartFactory.HEIGHT, img.getHeight());
            assertTrue(Pixels.inked(img) > 0);
        }
    }

    @Test
    void countsAreLabelledCompactly() {
        assertEquals("999", ReliabilityChartFactory.compactCount(999));
        assertEquals("1.2k", ReliabilityChartFactory.compactCount(1234));
        assertEquals("12k", ReliabilityChartFactory.compactCount(12_345));
        assertEquals("3.5M", ReliabilityChartFactory.compactCount(3_456_789));
    }
}
