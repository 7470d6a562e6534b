package dev.distill.cli.chart;

import java.awt.Color;
import java.util.Comparator;
import java.util.List;

/**
 * What a line chart shows: measured series and horizontal reference lines (e.g. the teacher's
 * score).
 */
public record LinePlot(
        String title,
        String xLabel,
        String yLabel,
        List<Series> series,
        List<Reference> references) {
    public LinePlot {
        series = List.copyOf(series);
        references = List.copyOf(references);
    }

    /** One measurement; y NaN means not measured, spread NaN or 0 means no band around it. */
    public record Point(double x, double y, double spread) {
        public static Point of(double x, Double y) {
            return new Point(x, y == null ? Double.NaN : y, Double.NaN);
        }

        boolean measured() {
            return Double.isFinite(x) && Double.isFinite(y);
        }

        boolean hasSpread() {
            return Double.isFinite(spread) && spread > 0;
        }
    }

    public record Series(String name, Color color, LineStyle style, List<Point> points) {
        public Series {
            points = points.stream().sorted(Comparator.comparingDouble(Point::x)).toList();
        }
    }

    public record Reference(String label, double value, Color color, LineStyle style) {}

    boolean hasData() {
        return series.stream().flatMap(s -> s.points().stream()).anyMatch(Point::measured)
                || references.stream().anyMatch(r -> Double.isFinite(r.value()));
    }
}
