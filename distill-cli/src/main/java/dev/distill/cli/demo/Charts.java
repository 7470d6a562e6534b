package dev.distill.cli.demo;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report's charts, drawn with Java2D so that a report needs neither a plotting library nor a display.
 * Every image has a fixed size and uses only the logical SansSerif font, so a chart of the same data is the
 * same picture on every run of a machine.
 */
public final class Charts {
    static {
        headlessUnlessSet();
    }

    public static final int WIDTH = 880;
    public static final int LINE_HEIGHT = 440;
    public static final int GRID_HEIGHT = 600;
    public static final int RELIABILITY_HEIGHT = 440;

    /** Run colours in run order (Okabe-Ito, less its yellow, which vanishes on white); cycles past six runs. */
    static final List<Color> PALETTE = List.of(new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73),
            new Color(0xCC79A7), new Color(0xE69F00), new Color(0x56B4E9));
    public static final Color TEACHER = new Color(0x3A3A3A);
    public static final Color SFT = new Color(0x8C564B);
    /** Miscalibration in a reliability diagram: the gap between a bin's accuracy and its mean confidence. */
    static final Color GAP = new Color(220, 38, 38, 90);

    private static final Color TEXT = new Color(0x222222);
    private static final Color AXIS = new Color(0x666666);
    private static final Color GRIDLINE = new Color(0xE4E4E4);
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 15);
    private static final Font PANEL_TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 12);
    private static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Font TICK = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    private static final Font SMALL = new Font(Font.SANS_SERIF, Font.PLAIN, 9);
    private static final int REFERENCE_GUTTER = 132;
    private static final int LEGEND_ROW = 18;

    private Charts() {}

    public enum LineStyle { SOLID, DASHED, DOTTED }

    /** One measurement; y NaN means not measured, spread NaN or 0 means no band. */
    public record Point(double x, double y, double spread) {
        public static Point of(double x, Double y) {
            return new Point(x, y == null ? Double.NaN : y, Double.NaN);
        }
    }

    public record Series(String name, Color color, LineStyle style, List<Point> points) {
        public Series {
            points = points.stream().sorted(Comparator.comparingDouble(Point::x)).toList();
        }
    }

    /** A horizontal line across the plot, labelled in the right margin, e.g. the teacher's score. */
    public record Reference(String label, double value, Color color, LineStyle style) {}

    public record Plot(String title, String xLabel, String yLabel, List<Series> series, List<Reference> references) {
        public Plot {
            series = List.copyOf(series);
            references = List.copyOf(references);
        }
    }

    /** One model's token reliability diagram; bins are over confidence in [0, 1]. */
    public record Diagram(String title, Color color, List<ModelScore.Bin> bins) {
        public Diagram {
            bins = List.copyOf(bins);
        }
    }

    /**
     * AWT decides once, when first touched (even by loading java.awt.Color), whether it is headless; a demo run over
     * SSH or in CI has no display, and a DISPLAY that points nowhere would fail the report. An explicit setting wins.
     */
    public static void headlessUnlessSet() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    public static Color runColor(int run) {
        return PALETTE.get(Math.floorMod(run, PALETTE.size()));
    }

    /** A line chart of {@link #WIDTH} x {@link #LINE_HEIGHT} with its legend under the plot. */
    public static BufferedImage lineChart(Plot plot) {
        BufferedImage img = new BufferedImage(WIDTH, LINE_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img);
        try {
            g.setFont(TITLE);
            g.setColor(TEXT);
            g.drawString(plot.title(), 16, 26);
            List<Series> entries = legendOf(List.of(plot));
            int legend = legendHeight(g, entries, WIDTH - 32);
            drawPlot(g, new Rectangle(0, 36, WIDTH, LINE_HEIGHT - 36 - legend), plot, false);
            drawLegend(g, entries, new Rectangle(16, LINE_HEIGHT - legend, WIDTH - 32, legend));
        } finally {
            g.dispose();
        }
        return img;
    }

    /**
     * Small multiples of {@link #WIDTH} x {@link #GRID_HEIGHT}: one panel per plot, sharing one legend (series of the
     * same name are the same thing in every panel) and one x-axis label.
     */
    public static BufferedImage grid(String title, String xLabel, List<Plot> panels) {
        BufferedImage img = new BufferedImage(WIDTH, GRID_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img);
        try {
            g.setFont(TITLE);
            g.setColor(TEXT);
            g.drawString(title, 16, 26);
            List<Series> legend = legendOf(panels);
            int legendH = legendHeight(g, legend, WIDTH - 32);
            int bottom = GRID_HEIGHT - legendH - 20;
            g.setFont(LABEL);
            g.setColor(TEXT);
            centred(g, xLabel, WIDTH / 2, bottom + 14);
            drawLegend(g, legend, new Rectangle(16, GRID_HEIGHT - legendH, WIDTH - 32, legendH));
            Rectangle area = new Rectangle(0, 36, WIDTH, bottom - 36);
            if (panels.isEmpty()) {
                message(g, area, "nothing to plot");
                return img;
            }
            int cols = panels.size() == 1 ? 1 : panels.size() <= 4 ? 2 : 3;
            int rows = (panels.size() + cols - 1) / cols;
            for (int i = 0; i < panels.size(); i++) {
                int c = i % cols;
                int r = i / cols;
                Rectangle frame = new Rectangle(area.x + c * area.width / cols, area.y + r * area.height / rows,
                        area.width / cols, area.height / rows);
                drawPlot(g, frame, panels.get(i), true);
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    /** Reliability diagrams side by side, {@link #WIDTH} x {@link #RELIABILITY_HEIGHT}. */
    public static BufferedImage reliability(String title, List<Diagram> diagrams) {
        BufferedImage img = new BufferedImage(WIDTH, RELIABILITY_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img);
        try {
            g.setFont(TITLE);
            g.setColor(TEXT);
            g.drawString(title, 16, 26);
            g.setFont(TICK);
            g.setColor(AXIS);
            centred(g, "bars: accuracy per confidence bin · red: gap to the bin's mean confidence · "
                    + "dashed: perfect calibration · strip: tokens per bin (log scale)", WIDTH / 2, RELIABILITY_HEIGHT - 10);
            Rectangle area = new Rectangle(0, 36, WIDTH, RELIABILITY_HEIGHT - 36 - 24);
            if (diagrams.isEmpty()) {
                message(g, area, "no reliability data");
                return img;
            }
            for (int i = 0; i < diagrams.size(); i++) {
                int x0 = area.x + i * area.width / diagrams.size();
                int x1 = area.x + (i + 1) * area.width / diagrams.size();
                drawDiagram(g, new Rectangle(x0, area.y, x1 - x0, area.height), diagrams.get(i));
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    public static void writePng(BufferedImage image, Path file) throws IOException {
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG encoder in this JVM's ImageIO, cannot write " + file);
        }
    }

    private static Graphics2D canvas(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        // Greyscale text anti-aliasing: the LCD modes depend on the display, which a headless run does not have.
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        return g;
    }

    // ---- line plots -------------------------------------------------------------------------------------------

    private static void drawPlot(Graphics2D g, Rectangle frame, Plot plot, boolean withTitle) {
        int titleH = 0;
        if (withTitle) {
            g.setFont(PANEL_TITLE);
            g.setColor(TEXT);
            g.drawString(fit(g, plot.title(), frame.width - 24), frame.x + 14, frame.y + 16);
            titleH = 22;
        }
        int left = frame.x + (plot.yLabel().isEmpty() ? 50 : 68);
        int right = frame.x + frame.width - (plot.references().isEmpty() ? 18 : REFERENCE_GUTTER);
        int top = frame.y + titleH + 8;
        int bottom = frame.y + frame.height - (plot.xLabel().isEmpty() ? 22 : 40);
        Rectangle area = new Rectangle(left, top, right - left, bottom - top);

        double[] xr = xRange(plot.series());
        Axis y = Axis.of(yRange(plot), area.height >= 200 ? 6 : 4);
        Axis x = Axis.ofVersions(xr[0], xr[1], area.width >= 400 ? 10 : 5);
        Mapper m = new Mapper(area, x.lo, x.hi, y.lo, y.hi);

        g.setFont(TICK);
        g.setStroke(new BasicStroke(1f));
        FontMetrics fm = g.getFontMetrics();
        for (double t : y.ticks()) {
            double py = crisp(m.py(t));
            g.setColor(GRIDLINE);
            g.draw(new Line2D.Double(area.x, py, area.getMaxX(), py));
            g.setColor(AXIS);
            String s = y.label(t);
            g.drawString(s, area.x - 6 - fm.stringWidth(s), (float) (py + fm.getAscent() / 2.0 - 1));
        }
        for (double t : x.ticks()) {
            double px = m.px(t);
            g.setColor(AXIS);
            g.draw(new Line2D.Double(px, area.getMaxY(), px, area.getMaxY() + 4));
            centred(g, x.label(t), px, area.getMaxY() + 6 + fm.getAscent());
        }
        g.setColor(AXIS);
        g.draw(new Line2D.Double(crisp(area.x), area.y, crisp(area.x), crisp(area.getMaxY())));
        g.draw(new Line2D.Double(crisp(area.x), crisp(area.getMaxY()), area.getMaxX(), crisp(area.getMaxY())));
        g.setFont(LABEL);
        g.setColor(TEXT);
        if (!plot.xLabel().isEmpty()) {
            centred(g, plot.xLabel(), area.getCenterX(), area.getMaxY() + 34);
        }
        if (!plot.yLabel().isEmpty()) {
            Graphics2D r = (Graphics2D) g.create();
            r.rotate(-Math.PI / 2);
            centred(r, plot.yLabel(), -area.getCenterY(), frame.x + 18);
            r.dispose();
        }

        boolean any = plot.series().stream().flatMap(s -> s.points().stream()).anyMatch(p -> Double.isFinite(p.y()));
        if (!any && plot.references().isEmpty()) {
            message(g, area, "no data");
            return;
        }
        Graphics2D c = (Graphics2D) g.create();
        // Markers at the range's edge would be cut in half by a tight clip.
        c.clip(new Rectangle(area.x - 5, area.y - 5, area.width + 10, area.height + 10));
        for (Series s : plot.series()) {
            drawBand(c, m, s);
        }
        for (Reference ref : plot.references()) {
            if (Double.isFinite(ref.value())) {
                c.setColor(ref.color());
                c.setStroke(stroke(ref.style(), 1.4f));
                double py = crisp(m.py(ref.value()));
                c.draw(new Line2D.Double(area.x, py, area.getMaxX(), py));
            }
        }
        for (Series s : plot.series()) {
            drawSeries(c, m, s);
        }
        c.dispose();
        drawReferenceLabels(g, m, plot.references(), area);
    }

    private static void drawBand(Graphics2D g, Mapper m, Series s) {
        for (List<Point> seg : segments(s.points())) {
            if (seg.stream().noneMatch(p -> Double.isFinite(p.spread()) && p.spread() > 0)) {
                continue;
            }
            Path2D.Double band = new Path2D.Double();
            for (int i = 0; i < seg.size(); i++) {
                Point p = seg.get(i);
                double py = m.py(p.y() + spread(p));
                if (i == 0) {
                    band.moveTo(m.px(p.x()), py);
                } else {
                    band.lineTo(m.px(p.x()), py);
                }
            }
            for (int i = seg.size() - 1; i >= 0; i--) {
                Point p = seg.get(i);
                band.lineTo(m.px(p.x()), m.py(p.y() - spread(p)));
            }
            band.closePath();
            g.setColor(new Color(s.color().getRed(), s.color().getGreen(), s.color().getBlue(), 48));
            g.fill(band);
            if (seg.size() == 1) {
                // A band of one point has no width: show it as an error bar instead.
                g.setStroke(new BasicStroke(6f));
                g.draw(band);
            }
        }
    }

    private static double spread(Point p) {
        return Double.isFinite(p.spread()) ? p.spread() : 0;
    }

    private static void drawSeries(Graphics2D g, Mapper m, Series s) {
        g.setColor(s.color());
        for (List<Point> seg : segments(s.points())) {
            if (seg.size() > 1) {
                Path2D.Double line = new Path2D.Double();
                line.moveTo(m.px(seg.get(0).x()), m.py(seg.get(0).y()));
                for (Point p : seg.subList(1, seg.size())) {
                    line.lineTo(m.px(p.x()), m.py(p.y()));
                }
                g.setStroke(stroke(s.style(), 2.4f));
                g.draw(line);
            }
            for (Point p : seg) {
                marker(g, s, m.px(p.x()), m.py(p.y()));
            }
        }
    }

    /** Runs of consecutive measured points: a line is broken where a value is missing, never drawn across it. */
    private static List<List<Point>> segments(List<Point> points) {
        List<List<Point>> out = new ArrayList<>();
        List<Point> cur = new ArrayList<>();
        for (Point p : points) {
            if (Double.isFinite(p.y()) && Double.isFinite(p.x())) {
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

    private static void marker(Graphics2D g, Series s, double x, double y) {
        Shape dot = new Ellipse2D.Double(x - 3.8, y - 3.8, 7.6, 7.6);
        Color was = g.getColor();
        if (s.style() == LineStyle.SOLID) {
            g.fill(dot);
        } else {
            // Hollow markers tell a dashed series from a solid one of the same colour even where lines overlap.
            g.setColor(Color.WHITE);
            g.fill(dot);
            g.setColor(was);
            g.setStroke(new BasicStroke(1.8f));
            g.draw(dot);
        }
    }

    private static void drawReferenceLabels(Graphics2D g, Mapper m, List<Reference> refs, Rectangle area) {
        g.setFont(TICK);
        FontMetrics fm = g.getFontMetrics();
        List<Reference> sorted = refs.stream().filter(r -> Double.isFinite(r.value()))
                .sorted(Comparator.comparingDouble((Reference r) -> m.py(r.value()))).toList();
        double prev = Double.NEGATIVE_INFINITY;
        for (Reference r : sorted) {
            // Close references would print over each other: push each label at least a line below the previous.
            double y = Math.max(m.py(r.value()) + fm.getAscent() / 2.0 - 1, prev + fm.getHeight());
            prev = y;
            g.setColor(r.color());
            g.drawString(fit(g, r.label(), REFERENCE_GUTTER - 12), (float) area.getMaxX() + 8, (float) y);
        }
    }

    private static double[] xRange(List<Series> series) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (Point p : s.points()) {
                if (Double.isFinite(p.x()) && Double.isFinite(p.y())) {
                    lo = Math.min(lo, p.x());
                    hi = Math.max(hi, p.x());
                }
            }
        }
        return lo > hi ? new double[] {0, 1} : new double[] {lo, hi};
    }

    private static double[] yRange(Plot plot) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : plot.series()) {
            for (Point p : s.points()) {
                if (Double.isFinite(p.y()) && Double.isFinite(p.x())) {
                    lo = Math.min(lo, p.y() - spread(p));
                    hi = Math.max(hi, p.y() + spread(p));
                }
            }
        }
        for (Reference r : plot.references()) {
            if (Double.isFinite(r.value())) {
                lo = Math.min(lo, r.value());
                hi = Math.max(hi, r.value());
            }
        }
        return lo > hi ? new double[] {0, 1} : new double[] {lo, hi};
    }

    // ---- legend -----------------------------------------------------------------------------------------------

    /** Every distinct series name once, in first appearance order. */
    private static List<Series> legendOf(List<Plot> plots) {
        Map<String, Series> byName = new LinkedHashMap<>();
        for (Plot p : plots) {
            for (Series s : p.series()) {
                byName.putIfAbsent(s.name(), s);
            }
        }
        return List.copyOf(byName.values());
    }

    /** At most a third of the image, so that a crowd of runs cannot squeeze the plot away; the rest are left off. */
    private static int legendHeight(Graphics2D g, List<Series> entries, int width) {
        int rows = Math.min(legendRows(g, entries, width), LINE_HEIGHT / 3 / LEGEND_ROW);
        return entries.isEmpty() ? 8 : rows * LEGEND_ROW + 10;
    }

    private static int legendRows(Graphics2D g, List<Series> entries, int width) {
        g.setFont(TICK);
        int rows = 1;
        int x = 0;
        for (Series s : entries) {
            int w = entryWidth(g, s);
            if (x > 0 && x + w > width) {
                rows++;
                x = 0;
            }
            x += w;
        }
        return rows;
    }

    private static int entryWidth(Graphics2D g, Series s) {
        return 30 + g.getFontMetrics().stringWidth(fit(g, s.name(), 240)) + 18;
    }

    private static void drawLegend(Graphics2D g, List<Series> entries, Rectangle box) {
        g.setFont(TICK);
        FontMetrics fm = g.getFontMetrics();
        int x = 0;
        int row = 0;
        for (Series s : entries) {
            int w = entryWidth(g, s);
            if (x > 0 && x + w > box.width) {
                row++;
                x = 0;
            }
            if (box.y + 4 + (row + 1) * LEGEND_ROW > box.getMaxY()) {
                break;
            }
            double cy = box.y + 4 + row * LEGEND_ROW + LEGEND_ROW / 2.0;
            g.setColor(s.color());
            g.setStroke(stroke(s.style(), 2.4f));
            g.draw(new Line2D.Double(box.x + x, cy, box.x + x + 24, cy));
            marker(g, s, box.x + x + 12, cy);
            g.setColor(TEXT);
            g.drawString(fit(g, s.name(), 240), box.x + x + 30, (float) (cy + fm.getAscent() / 2.0 - 1));
            x += w;
        }
    }

    // ---- reliability ------------------------------------------------------------------------------------------

    private static void drawDiagram(Graphics2D g, Rectangle frame, Diagram d) {
        g.setFont(PANEL_TITLE);
        g.setColor(TEXT);
        g.drawString(fit(g, d.title(), frame.width - 24), frame.x + 14, frame.y + 16);
        long total = d.bins().stream().mapToLong(ModelScore.Bin::count).sum();
        g.setFont(TICK);
        g.setColor(AXIS);
        g.drawString(String.format(Locale.ROOT, "%,d tokens", total), frame.x + 14, frame.y + 32);

        int stripH = 48;
        int size = Math.min(frame.width - 64, frame.height - 44 - 36 - stripH);
        int left = frame.x + (frame.width - size) / 2 + 14;
        Rectangle area = new Rectangle(left, frame.y + 44, size, size);
        Mapper m = new Mapper(area, 0, 1, 0, 1);
        FontMetrics fm = g.getFontMetrics();
        for (int i = 0; i <= 5; i++) {
            double t = i / 5.0;
            g.setColor(GRIDLINE);
            g.setStroke(new BasicStroke(1f));
            g.draw(new Line2D.Double(area.x, crisp(m.py(t)), area.getMaxX(), crisp(m.py(t))));
            g.setColor(AXIS);
            String s = String.format(Locale.ROOT, "%.1f", t);
            g.drawString(s, area.x - 5 - fm.stringWidth(s), (float) (m.py(t) + fm.getAscent() / 2.0 - 1));
            centred(g, s, m.px(t), area.getMaxY() + 4 + fm.getAscent());
        }
        g.setColor(AXIS);
        g.draw(new Line2D.Double(area.x, area.y, area.x, area.getMaxY()));
        g.draw(new Line2D.Double(area.x, area.getMaxY(), area.getMaxX(), area.getMaxY()));
        centred(g, "confidence", area.getCenterX(), area.getMaxY() + 30);
        Graphics2D r = (Graphics2D) g.create();
        r.rotate(-Math.PI / 2);
        centred(r, "accuracy", -area.getCenterY(), area.x - 30);
        r.dispose();

        if (total == 0) {
            message(g, area, "no reliability data");
            return;
        }
        for (ModelScore.Bin b : d.bins()) {
            if (b.count() == 0) {
                continue;
            }
            double x0 = m.px(clamp(b.lower())) + 1;
            double x1 = m.px(clamp(b.upper())) - 1;
            double acc = m.py(clamp(b.accuracy()));
            double conf = m.py(clamp(b.meanConfidence()));
            g.setColor(d.color());
            g.fill(new Rectangle2D.Double(x0, acc, x1 - x0, area.getMaxY() - acc));
            Rectangle2D gap = new Rectangle2D.Double(x0, Math.min(acc, conf), x1 - x0, Math.abs(acc - conf));
            g.setColor(GAP);
            g.fill(gap);
            g.setStroke(new BasicStroke(1f));
            g.draw(gap);
        }
        g.setColor(AXIS);
        g.setStroke(stroke(LineStyle.DASHED, 1.2f));
        g.draw(new Line2D.Double(m.px(0), m.py(0), m.px(1), m.py(1)));

        drawCounts(g, d, new Rectangle(area.x, (int) area.getMaxY() + 38, area.width, stripH), m);
    }

    /** Token counts per bin, log-scaled because nearly all tokens of a trained model sit in the top bins. */
    private static void drawCounts(Graphics2D g, Diagram d, Rectangle strip, Mapper m) {
        long max = d.bins().stream().mapToLong(ModelScore.Bin::count).max().orElse(0);
        g.setColor(GRIDLINE);
        g.setStroke(new BasicStroke(1f));
        g.draw(new Line2D.Double(strip.x, strip.getMaxY(), strip.getMaxX(), strip.getMaxY()));
        g.setFont(SMALL);
        FontMetrics fm = g.getFontMetrics();
        double barMax = strip.height - 26;
        for (ModelScore.Bin b : d.bins()) {
            if (b.count() == 0) {
                continue;
            }
            double x0 = m.px(clamp(b.lower())) + 1;
            double x1 = m.px(clamp(b.upper())) - 1;
            double h = Math.max(1, barMax * Math.log1p(b.count()) / Math.log1p(max));
            g.setColor(d.color());
            g.fill(new Rectangle2D.Double(x0, strip.getMaxY() - h, x1 - x0, h));
            Graphics2D t = (Graphics2D) g.create();
            t.translate((x0 + x1) / 2 + fm.getAscent() / 2.0 - 1, strip.getMaxY() - h - 2);
            t.rotate(-Math.PI / 2);
            t.setColor(AXIS);
            t.drawString(compactCount(b.count()), 0, 0);
            t.dispose();
        }
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

    // ---- shared -----------------------------------------------------------------------------------------------

    /** The centre of the pixel row or column: a thin line there is solid, not smeared over two by anti-aliasing. */
    private static double crisp(double v) {
        return Math.floor(v) + 0.5;
    }

    private static BasicStroke stroke(LineStyle style, float width) {
        return switch (style) {
            case SOLID -> new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
            case DASHED -> new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {7f, 4f}, 0f);
            case DOTTED -> new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {2f, 3f}, 0f);
        };
    }

    private static void message(Graphics2D g, Rectangle area, String text) {
        g.setFont(LABEL);
        g.setColor(AXIS);
        centred(g, text, area.getCenterX(), area.getCenterY());
    }

    private static void centred(Graphics2D g, String text, double cx, double baseline) {
        g.drawString(text, (float) (cx - g.getFontMetrics().stringWidth(text) / 2.0), (float) baseline);
    }

    /** The text, cut with an ellipsis to fit the width in the current font. */
    private static String fit(Graphics2D g, String text, int width) {
        FontMetrics fm = g.getFontMetrics();
        if (fm.stringWidth(text) <= width) {
            return text;
        }
        String s = text;
        while (!s.isEmpty() && fm.stringWidth(s + "…") > width) {
            s = s.substring(0, s.length() - 1);
        }
        return s + "…";
    }

    private record Mapper(Rectangle area, double x0, double x1, double y0, double y1) {
        double px(double x) {
            return area.x + (x - x0) / (x1 - x0) * area.width;
        }

        double py(double y) {
            return area.getMaxY() - (y - y0) / (y1 - y0) * area.height;
        }
    }

    /** An axis range widened to round tick values, with its tick step. */
    record Axis(double lo, double hi, double step) {
        static Axis of(double[] range, int ticks) {
            double min = range[0];
            double max = range[1];
            if (max - min < 1e-12 * Math.max(1, Math.abs(max))) {
                // All values equal: give the line room rather than divide by a zero range.
                double pad = min == 0 ? 1 : Math.abs(min) * 0.1;
                min -= pad;
                max += pad;
            }
            // A little headroom, so that a value on a round number (a reference line, say) does not sit on the frame.
            double pad = (max - min) * 0.03;
            min -= pad;
            max += pad;
            double step = niceStep((max - min) / ticks);
            return new Axis(Math.floor(min / step) * step, Math.ceil(max / step) * step, step);
        }

        /** Checkpoint versions are integers: whole-number ticks, and a margin so end points clear the frame. */
        static Axis ofVersions(double min, double max, int ticks) {
            if (max - min < 1) {
                return new Axis(min - 1, max + 1, 1);
            }
            double step = Math.max(1, niceStep((max - min) / ticks));
            double pad = (max - min) * 0.04;
            return new Axis(min - pad, max + pad, step);
        }

        static double niceStep(double raw) {
            double exp = Math.pow(10, Math.floor(Math.log10(raw)));
            double f = raw / exp;
            return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * exp;
        }

        List<Double> ticks() {
            List<Double> out = new ArrayList<>();
            // Multiples of the step, not a running sum, so that 0.1 + 0.2 never prints as 0.30000000000000004.
            for (long i = (long) Math.ceil(lo / step - 1e-9); i * step <= hi + step * 1e-9; i++) {
                out.add(i * step + 0.0);
            }
            return out;
        }

        String label(double v) {
            int decimals = Math.max(0, (int) Math.ceil(-Math.log10(step) - 1e-9));
            String s = String.format(Locale.ROOT, "%." + decimals + "f", v);
            return s.matches("-0(\\.0*)?") ? s.substring(1) : s;
        }
    }
}
