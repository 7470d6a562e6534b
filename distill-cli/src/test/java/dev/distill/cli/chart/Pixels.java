package dev.distill.cli.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * What the chart tests look for in a picture: pixels of exactly a colour, and a PNG that decodes.
 */
public final class Pixels {
    /**
     * Pixels of exactly a series' colour that prove it was drawn: a line across a plot leaves well
     * over a thousand, while its legend entry alone leaves under a hundred (checked by
     * LineChartFactoryTest).
     */
    public static final int DRAWN = 300;

    private Pixels() {}

    public static int count(BufferedImage img, Color c) {
        int rgb = c.getRGB() & 0xFFFFFF;
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if ((img.getRGB(x, y) & 0xFFFFFF) == rgb) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Pixels that are not the white background. */
    public static int inked(BufferedImage img) {
        return img.getWidth() * img.getHeight() - count(img, Color.WHITE);
    }

    public static BufferedImage png(Path file, int width, int height) throws IOException {
        assertTrue(Files.isRegularFile(file), file + " was not written");
        BufferedImage img = ImageIO.read(file.toFile());
        assertNotNull(img, file + " does not decode as an image");
        assertEquals(width, img.getWidth(), file + " width");
        assertEquals(height, img.getHeight(), file + " height");
        return img;
    }
}
