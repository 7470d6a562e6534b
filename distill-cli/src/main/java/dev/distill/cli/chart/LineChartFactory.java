package dev.distill.cli.chart;

import dev.distill.cli.chart.LinePlot.Reference;
import dev.distill.cli.chart.LinePlot.Series;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;

/**
 * Line charts of measurements against an integer x (checkpoint version, length bucket, step count):
 * a line and markers per series, a translucent band of ± spread, and labelled horizontal reference
 * lines.
 */
public final class LineChartFactory {
    public static final int WIDTH = ChartStyle.WIDTH;
    public static final int HEIGHT = 440;

    private static final int LINES = 0;
    private static final int BANDS = 1;
    private static final int ERROR_BARS = 2;

    /** The spread's fill: light enough that lines of other runs still show through it. */
    private static final int BAND_ALPHA = 48;

    private LineChartFactory() {}

    /** A chart of {@link #WIDTH} x {@link #HEIGHT} with its legend under the plot. */
    public static Figure lineChart(LinePlot plot) {
        return new Figure(
                ChartStyle.chart(plot.title(), ChartStyle.TITLE, xyPlot(plot), true),
                WIDTH,
                HEIGHT);
    }

    /** One panel of a grid: a smaller title, no legend (the grid has one for all panels). */
    static JFreeChart panel(LinePlot plot) {
        return ChartStyle.chart(plot.title(), ChartStyle.PANEL_TITLE, xyPlot(plot), false);
    }

    static XYPlot xyPlot(LinePlot plot) {
        NumberAxis x = ChartStyle.axis(plot.xLabel());
        x.setStandardTickUnits(ChartStyle.ticks(true));
        x.setRange(LineDatasets.xRange(plot));
        NumberAxis y = ChartStyle.axis(plot.yLabel());
        y.setRange(LineDatasets.yRange(plot));
        XYPlot xy = new XYPlot(null, x, y, null);
        ChartStyle.plot(xy);
        xy.setNoDataMessage("no data");
        xy.setDataset(LINES, LineDatasets.lines(plot));
        xy.setRenderer(LINES, lineRenderer(plot));
        LineDatasets.Intervals bands = LineDatasets.bands(plot);
        xy.setDataset(BANDS, bands.data());
        xy.setRenderer(BANDS, bandRenderer(bands));
        LineDatasets.Intervals bars = LineDatasets.errorBars(plot);
        xy.setDataset(ERROR_BARS, bars.data());
        xy.setRenderer(ERROR_BARS, errorBarRenderer(bars));
        // Behind the runs' lines, which are what the chart is about.
        for (Reference r : plot.references()) {
            if (Double.isFinite(r.value())) {
                xy.addRangeMarker(marker(r), Layer.BACKGROUND);
            }
        }
        return xy;
    }

    private static XYLineAndShapeRenderer lineRenderer(LinePlot plot) {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        // As one path, so that a dash pattern runs on through the points instead of restarting at
        // each.
        r.setDrawSeriesLineAsPath(true);
        r.setUseFillPaint(true);
        r.setDrawOutlines(true);
        r.setUseOutlinePaint(false);
        r.setLegendLine(new Line2D.Double(-12, 0, 12, 0));
        for (int i = 0; i < plot.series().size(); i++) {
            Series s = plot.series().get(i);
            r.setSeriesPaint(i, s.color());
            r.setSeriesStroke(i, s.style().stroke(2.4f));
            r.setSeriesShape(i, new Ellipse2D.Double(-3.8, -3.8, 7.6, 7.6));
            // Hollow markers tell a dashed series from a solid one of the same colour even where
            // lines overlap.
            r.setSeriesFillPaint(i, s.style() == LineStyle.SOLID ? s.color() : Color.WHITE);
            r.setSeriesOutlineStroke(i, new BasicStroke(s.style() == LineStyle.SOLID ? 1f : 1.8f));
        }
        return r;
    }

    private static DeviationRenderer bandRenderer(LineDatasets.Intervals bands) {
        DeviationRenderer r = new DeviationRenderer(false, false);
        r.setAlpha(BAND_ALPHA / 255f);
        r.setDefaultSeriesVisibleInLegend(false);
        for (int i = 0; i < bands.colors().size(); i++) {
            r.setSeriesPaint(i, bands.colors().get(i));
            r.setSeriesFillPaint(i, bands.colors().get(i));
        }
        return r;
    }

    private static XYErrorRenderer errorBarRenderer(LineDatasets.Intervals bars) {
        XYErrorRenderer r = new XYErrorRenderer();
        r.setDefaultLinesVisible(false);
        r.setDefaultShapesVisible(false);
        r.setDrawXError(false);
        r.setCapLength(0);
        r.setErrorStroke(new BasicStroke(6f));
        r.setDefaultSeriesVisibleInLegend(false);
        for (int i = 0; i < bars.colors().size(); i++) {
            Color c = bars.colors().get(i);
            r.setSeriesPaint(i, new Color(c.getRed(), c.getGreen(), c.getBlue(), BAND_ALPHA));
        }
        return r;
    }

    /**
     * A reference line labelled at its right end, above the line, in its own colour; the label's
     * white ground keeps it readable where a run's line passes under it.
     */
    private static ValueMarker marker(Reference r) {
        ValueMarker m = new ValueMarker(r.value(), r.color(), r.style().stroke(2f));
        m.setLabel(r.label());
        m.setLabelFont(ChartStyle.TICK);
        m.setLabelPaint(r.color());
        m.setLabelBackgroundColor(new Color(255, 255, 255, 210));
        m.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
        m.setLabelTextAnchor(TextAnchor.BOTTOM_RIGHT);
        return m;
    }
}
