package dev.distill.cli.chart;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.TickUnitSource;
import org.jfree.chart.axis.TickUnits;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.HorizontalAlignment;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;

/**
 * The look every figure shares. Only the logical SansSerif font, so that a chart of the same data
 * is the same picture on every run of a machine, whatever fonts it has installed.
 */
final class ChartStyle {
    static {
        Headless.unlessSet();
    }

    static final int WIDTH = 880;
    static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 15);
    static final Font PANEL_TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 12);
    static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    static final Font TICK = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    static final Font SMALL = new Font(Font.SANS_SERIF, Font.PLAIN, 9);
    static final Color TEXT = new Color(0x222222);
    static final Color AXIS = new Color(0x666666);
    static final Color GRIDLINE = new Color(0xE4E4E4);

    private ChartStyle() {}

    /**
     * A chart on white with its title on the left, and the legend, if any, left-aligned under the
     * plot.
     */
    static JFreeChart chart(String title, Font font, Plot plot, boolean legend) {
        JFreeChart chart = new JFreeChart(title, font, plot, legend);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setTextAntiAlias(true);
        chart.setPadding(new RectangleInsets(6, 6, 6, 10));
        TextTitle t = chart.getTitle();
        t.setPaint(TEXT);
        t.setHorizontalAlignment(HorizontalAlignment.LEFT);
        t.setPadding(new RectangleInsets(4, 8, 8, 4));
        LegendTitle l = chart.getLegend();
        if (l != null) {
            l.setPosition(RectangleEdge.BOTTOM);
            l.setHorizontalAlignment(HorizontalAlignment.LEFT);
            l.setFrame(BlockBorder.NONE);
            l.setBackgroundPaint(Color.WHITE);
            l.setItemFont(TICK);
            l.setItemPaint(TEXT);
            l.setItemLabelPadding(new RectangleInsets(2, 4, 2, 14));
        }
        return chart;
    }

    /** A line of text under the plot, above the legend: a shared axis label or a caption. */
    static TextTitle footer(String text, Font font, Color paint) {
        TextTitle t = new TextTitle(text, font);
        t.setPaint(paint);
        t.setPosition(RectangleEdge.BOTTOM);
        t.setPadding(new RectangleInsets(2, 4, 4, 4));
        return t;
    }

    /** White, unframed, horizontal gridlines only: the values are read against the y-axis. */
    static void plot(XYPlot plot) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlineVisible(false);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinePaint(GRIDLINE);
        plot.setRangeGridlineStroke(new BasicStroke(1f));
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
        plot.setNoDataMessageFont(LABEL);
        plot.setNoDataMessagePaint(AXIS);
    }

    /**
     * Ticks at 1, 2 or 5 times a power of ten, printed with as many decimals as the step needs
     * (0.05 as 0.05, not 0.1) and in the root locale: a machine set to German would otherwise write
     * 0,05, and the same data would not give the same picture. Integer ticks for an axis of
     * versions, buckets or step counts.
     */
    static TickUnitSource ticks(boolean integers) {
        TickUnits units = new TickUnits();
        for (int exp = integers ? 0 : -8; exp <= 9; exp++) {
            DecimalFormat format =
                    new DecimalFormat(
                            exp >= 0 ? "0" : "0." + "0".repeat(-exp),
                            DecimalFormatSymbols.getInstance(Locale.ROOT));
            for (int m : new int[] {1, 2, 5}) {
                units.add(new NumberTickUnit(m * Math.pow(10, exp), format));
            }
        }
        return units;
    }

    static NumberAxis axis(String label) {
        NumberAxis a = new NumberAxis(label.isEmpty() ? null : label);
        a.setLabelFont(LABEL);
        a.setLabelPaint(TEXT);
        a.setTickLabelFont(TICK);
        a.setTickLabelPaint(AXIS);
        a.setAxisLinePaint(AXIS);
        a.setTickMarkPaint(AXIS);
        a.setAutoRangeIncludesZero(false);
        a.setStandardTickUnits(ticks(false));
        return a;
    }
}
