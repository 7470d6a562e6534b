package dev.distill.cli.chart;

/**
 * AWT decides once, when first touched (even by loading java.awt.Color), whether it is headless; a
 * run over SSH or in CI has no display, and a DISPLAY that points nowhere would fail the charts. An
 * explicit setting wins.
 */
public final class Headless {
    private Headless() {}

    public static void unlessSet() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }
}
