package dev.distill.cli.chart;

import dev.distill.cli.chart.LinePlot.Point;
import dev.distill.cli.chart.LinePlot.Series;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import org.jfree.data.Range;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/** A line plot's data as JFreeChart datasets, and the axis ranges that show all of it. */
final class LineDatasets {
    private LineDatasets() {}

    /** Spreads of one kind, with the colour of the series each interval series came from. */
    record Intervals(YIntervalSeriesCollection data, List<Color> colors) {}

    /**
     * One series per plot series, in order; a missing value is a null, where the line breaks.
     * Without a single value or reference line the series stay empty: they still name the runs in
     * the legend, and the plot says it has no data.
     */
    static XYSeriesCollection lines(LinePlot plot) {
        XYSeriesCollection out = new XYSeriesCollection();
        boolean any = plot.hasData();
        for (Series s : plot.series()) {
            // JFreeChart refuses two series of one key; two runs may still share a label in a
            // hand-made plot.
            String key =
                    out.getSeriesIndex(s.name()) < 0
                            ? s.name()
                            : s.name() + " #" + out.getSeriesCount();
            XYSeries xy = new XYSeries(key, false, true);
            for (Point p : s.points()) {
                if (any && Double.isFinite(p.x())) {
                    xy.add(p.x(), p.measured() ? p.y() : null);
                }
            }
            out.addSeries(xy);
        }
        return out;
    }

    /** Bands of ± spread over each unbroken stretch of two or more points. */
    static Intervals bands(LinePlot plot) {
        return intervals(plot, true);
    }

    /** Spreads of lone points, which have no width to fill: drawn as error bars instead. */
    static Intervals errorBars(LinePlot plot) {
        return intervals(plot, false);
    }

    private static Intervals intervals(LinePlot plot, boolean stretches) {
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        List<Color> colors = new ArrayList<>();
        for (Series s : plot.series()) {
            for (List<Point> seg : segments(s.points())) {
                if ((seg.size() > 1) != stretches || seg.stream().noneMatch(Point::hasSpread)) {
                    continue;
                }
                YIntervalSeries band =
                        new YIntervalSeries(s.name() + " #" + data.getSeriesCount(), false, true);
                for (Point p : seg) {
                    double d = p.hasSpread() ? p.spread() : 0;
                    band.add(p.x(), p.y(), p.y() - d, p.y() + d);
                }
                data.addSeries(band);
                colors.add(s.color());
            }
        }
        return new Intervals(data, colors);
    }

    /**
     * Runs of consecutive measured points: a band is broken where a value is missing, never drawn
     * across it.
     */
    static List<List<Point>> segments(List<Point> points) {
        List<List<Point>> out = new ArrayList<>();
        List<Point> cur = new ArrayList<>();
        for (Point p : points) {
            if (p.measured()) {
                cur.add(p);
            } else if (!cur.isEmpty()) {
                out.add(cur);
                cur = new ArrayList<>();
            }
        }
        if (!cur.isEmpty()) {
            out.add(cur);
        }
        return out;
    }

    /**
     * The measured x values with a margin so that end markers clear the frame; x is a checkpoint
     * version, a bucket or a step count, so a single value gets a whole unit either side.
     */
    static Range xRange(LinePlot plot) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : plot.series()) {
            for (Point p : s.points()) {
                if (p.measured()) {
                    lo = Math.min(lo, p.x());
                    hi = Math.max(hi, p.x());
                }
            }
        }
        if (lo > hi) {
            return new Range(0, 1);
        }
        if (hi - lo < 1) {
            return new Range(lo - 1, hi + 1);
        }
        double pad = (hi - lo) * 0.04;
        return new Range(lo - pad, hi + pad);
    }

    /**
     * Every value with its spread, and every reference line: JFreeChart's auto range would leave
     * out the references, which are markers, not data.
     */
    static Range yRange(LinePlot plot) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : plot.series()) {
            for (Point p : s.points()) {
                if (p.measured()) {
                    double d = p.hasSpread() ? p.spread() : 0;
                    lo = Math.min(lo, p.y() - d);
                    hi = Math.max(hi, p.y() + d);
                }
            }
        }
        for (LinePlot.Reference r : plot.references()) {
            if (Double.isFinite(r.value())) {
                lo = Math.min(lo, r.value());
                hi = Math.max(hi, r.value());
            }
        }
        if (lo > hi) {
            return new Range(0, 1);
        }
        if (hi - lo < 1e-12 * Math.max(1, Math.abs(hi))) {
            // All values equal: give the line room rather than a zero range.
            double pad = lo == 0 ? 1 : Math.abs(lo) * 0.1;
            return new Range(lo - pad, hi + pad);
        }
        // Headroom, so that a value on the range's edge (a reference line, say) does not sit on the
        // frame.
        double pad = (hi - lo) * 0.05;
        return new Range(lo - pad, hi + pad);
    }
}
