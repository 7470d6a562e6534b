package dev.distill.cli.chart;

import java.awt.Color;
import java.util.List;

/**
 * The colours every figure shares, so that a run, the teacher or the SFT student looks the same in
 * each.
 */
public final class ChartPalette {
    static {
        // Before the first Color below is made: that fixes AWT's headless mode for the life of the
        // JVM.
        Headless.unlessSet();
    }

    /**
     * Run colours in run order (Okabe-Ito, less its yellow, which vanishes on white); cycles past
     * six.
     */
    public static final List<Color> RUNS =
            List.of(
                    new Color(0x0072B2),
                    new Color(0xD55E00),
                    new Color(0x009E73),
                    new Color(0xCC79A7),
                    new Color(0xE69F00),
                    new Color(0x56B4E9));

    public static final Color TEACHER = new Color(0x3A3A3A);
    public static final Color SFT = new Color(0x8C564B);

    /**
     * Miscalibration in a reliability diagram: the gap between a bin's accuracy and its mean
     * confidence.
     */
    public static final Color GAP = new Color(220, 38, 38, 90);

    private ChartPalette() {}

    public static Color run(int index) {
        return RUNS.get(Math.floorMod(index, RUNS.size()));
    }
}
