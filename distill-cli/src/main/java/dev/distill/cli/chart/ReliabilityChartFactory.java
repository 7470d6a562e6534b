package dev.distill.cli.chart;

import dev.distill.cli.chart.ReliabilityDiagram.Bin;
import java.awt.Color;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.annotations.XYLineAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.HorizontalAlignment;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;

/**
 * Token reliability diagrams side by side: per confidence bin, a bar of its accuracy, the gap to
 * its mean confidence in red, the diagonal of perfect calibration, and under it a strip of tokens
 * per bin.
 */
public final class ReliabilityChartFactory {
    public static final int WIDTH = ChartStyle.WIDTH;
    public static final int HEIGHT = 440;
    static final String CAPTION =
            "bars: accuracy per confidence bin · red: gap to the bin's mean confidence · "
                    + "dashed: perfect calibration · strip: tokens per bin (log scale)";

    private ReliabilityChartFactory() {}

    /** A figure of {@link #WIDTH} x {@link #HEIGHT}, one diagram per column. */
    public static Figure reliability(String title, List<ReliabilityDiagram> diagrams) {
        List<JFreeChart> panels = diagrams.stream().map(ReliabilityChartFactory::panel).toList();
        PanelGridPlot grid =
                new PanelGridPlot(
                        panels,
                        Math.max(1, panels.size()),
                        new LegendItemCollection(),
                        "no reliability data");
        JFreeChart chart = ChartStyle.chart(title, ChartStyle.TITLE, grid, false);
        chart.addSubtitle(ChartStyle.footer(CAPTION, ChartStyle.TICK, ChartStyle.AXIS));
        return new Figure(chart, WIDTH, HEIGHT);
    }

    private static JFreeChart panel(ReliabilityDiagram d) {
        NumberAxis confidence = unitAxis("confidence");
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(confidence);
        plot.setGap(10);
        plot.add(accuracyPlot(d), 4);
        plot.add(countPlot(d), 1);
        JFreeChart chart = ChartStyle.chart(d.title(), ChartStyle.PANEL_TITLE, plot, false);
        TextTitle tokens =
                new TextTitle(
                        String.format(Locale.ROOT, "%,d tokens", d.tokens()), ChartStyle.TICK);
        tokens.setPaint(ChartStyle.AXIS);
        tokens.setPosition(RectangleEdge.TOP);
        tokens.setHorizontalAlignment(HorizontalAlignment.LEFT);
        tokens.setPadding(new RectangleInsets(0, 8, 4, 4));
        chart.addSubtitle(tokens);
        return chart;
    }

    /** Accuracy bars with the gap to each bin's mean confidence stacked in red. */
    private static XYPlot accuracyPlot(ReliabilityDiagram d) {
        XYIntervalSeries accuracy = new XYIntervalSeries("accuracy", false, true);
        XYIntervalSeries gap = new XYIntervalSeries("gap to mean confidence", false, true);
        for (Bin b : d.bins()) {
            if (b.count() == 0) {
                continue;
            }
            double lo = clamp(b.lower());
            double hi = clamp(b.upper());
            double acc = clamp(b.accuracy());
            double conf = clamp(b.meanConfidence());
            accuracy.add((lo + hi) / 2, lo, hi, acc, 0, acc);
            gap.add((lo + hi) / 2, lo, hi, conf, Math.min(acc, conf), Math.max(acc, conf));
        }
        XYIntervalSeriesCollection data = new XYIntervalSeriesCollection();
        data.addSeries(accuracy);
        data.addSeries(gap);
        XYPlot plot =
                new XYPlot(data, null, unitAxis("accuracy"), bars(d.color(), ChartPalette.GAP));
        ChartStyle.plot(plot);
        plot.setNoDataMessage("no reliability data");
        XYLineAnnotation diagonal =
                new XYLineAnnotation(0, 0, 1, 1, LineStyle.DASHED.stroke(1.2f), ChartStyle.AXIS);
        plot.addAnnotation(diagonal);
        return plot;
    }

    /**
     * Tokens per bin, on a log scale because nearly all tokens of a trained model sit in the top
     * bins; each bar is labelled with its count, which the scale alone would hide.
     */
    private static XYPlot countPlot(ReliabilityDiagram d) {
        XYIntervalSeries counts = new XYIntervalSeries("tokens", false, true);
        List<Long> labels = new ArrayList<>();
        long max = 0;
        for (Bin b : d.bins()) {
            if (b.count() > 0) {
                double lo = clamp(b.lower());
                double hi = clamp(b.upper());
                double h = Math.log1p(b.count());
                counts.add((lo + hi) / 2, lo, hi, h, 0, h);
                labels.add(b.count());
                max = Math.max(max, b.count());
            }
        }
        XYIntervalSeriesCollection data = new XYIntervalSeriesCollection();
        data.addSeries(counts);
        NumberAxis scale = ChartStyle.axis("tokens");
        scale.setTickLabelsVisible(false);
        scale.setTickMarksVisible(false);
        // Room above the tallest bar for its label.
        scale.setRange(0, Math.max(1, Math.log1p(max)) * 1.9);
        XYBarRenderer r = bars(d.color());
        r.setDefaultItemLabelGenerator((dataset, series, item) -> compactCount(labels.get(item)));
        r.setDefaultItemLabelsVisible(true);
        r.setDefaultItemLabelFont(ChartStyle.SMALL);
        r.setDefaultItemLabelPaint(ChartStyle.AXIS);
        r.setDefaultPositiveItemLabelPosition(
                new ItemLabelPosition(
                        ItemLabelAnchor.OUTSIDE12,
                        TextAnchor.CENTER_LEFT,
                        TextAnchor.CENTER_LEFT,
                        -Math.PI / 2));
        XYPlot plot = new XYPlot(data, null, scale, r);
        ChartStyle.plot(plot);
        plot.setRangeGridlinesVisible(false);
        return plot;
    }

    private static XYBarRenderer bars(Color... seriesColors) {
        XYBarRenderer r = new XYBarRenderer(0.04);
        r.setUseYInterval(true);
        r.setBarPainter(new StandardXYBarPainter());
        r.setShadowVisible(false);
        r.setDrawBarOutline(false);
        for (int i = 0; i < seriesColors.length; i++) {
            r.setSeriesPaint(i, seriesColors[i]);
        }
        return r;
    }

    private static NumberAxis unitAxis(String label) {
        NumberAxis a = ChartStyle.axis(label);
        a.setRange(0, 1);
        a.setTickUnit(
                new NumberTickUnit(
                        0.2,
                        new DecimalFormat("0.0", DecimalFormatSymbols.getInstance(Locale.ROOT))));
        return a;
    }

    static String compactCount(long n) {
        if (n < 1000) {
            return Long.toString(n);
        }
        if (n < 1_000_000) {
            return String.format(Locale.ROOT, n < 10_000 ? "%.1fk" : "%.0fk", n / 1e3);
        }
        return String.format(Locale.ROOT, "%.1fM", n / 1e6);
    }

    private static double clamp(double v) {
        return Double.isFinite(v) ? Math.max(0, Math.min(1, v)) : 0;
    }
}
