package dev.distill.cli.chart;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;

/**
 * A chart at the size it is written: the report's img tags take their width and height from here.
 */
public record Figure(JFreeChart chart, int width, int height) {
    static {
        Headless.unlessSet();
    }

    public void writePng(Path file) throws IOException {
        try {
            ChartUtils.saveChartAsPNG(file.toFile(), chart, width, height);
        } catch (IOException e) {
            throw new IOException(
                    "cannot write the chart '"
                            + chart.getTitle().getText()
                            + "' as PNG to "
                            + file
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /** The picture writePng encodes. */
    public BufferedImage image() {
        return chart.createBufferedImage(width, height);
    }
}
