package dev.distill.cli.chart;

import java.awt.Graphics2D;
import java.awt.geom.Point2D;
import java.awt.geom.Rectangle2D;
import java.util.List;
import java.util.Objects;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.PlotRenderingInfo;
import org.jfree.chart.plot.PlotState;
import org.jfree.chart.ui.RectangleInsets;

/**
 * Small multiples: whole charts drawn row by row into a grid of equal cells, as one plot of an
 * outer chart that carries the shared title, legend and captions. JFreeChart's combined plots only
 * stack along one axis.
 */
final class PanelGridPlot extends Plot {
    private static final long serialVersionUID = 1L;

    private final List<JFreeChart> panels;
    private final int columns;
    private final LegendItemCollection legend;

    /**
     * @param legend the outer chart's legend, e.g. every series once though it appears in several
     *     panels
     * @param empty what the plot says when there are no panels
     */
    PanelGridPlot(List<JFreeChart> panels, int columns, LegendItemCollection legend, String empty) {
        if (columns < 1) {
            throw new IllegalArgumentException(
                    "a grid of panels needs at least one column, not " + columns);
        }
        this.panels = List.copyOf(panels);
        this.columns = columns;
        this.legend = Objects.requireNonNull(legend, "legend");
        setNoDataMessage(empty);
        setNoDataMessageFont(ChartStyle.LABEL);
        setNoDataMessagePaint(ChartStyle.AXIS);
        setOutlineVisible(false);
        setInsets(RectangleInsets.ZERO_INSETS);
    }

    @Override
    public String getPlotType() {
        return "Panel grid";
    }

    @Override
    public LegendItemCollection getLegendItems() {
        return legend;
    }

    @Override
    public void draw(
            Graphics2D g2,
            Rectangle2D area,
            Point2D anchor,
            PlotState parentState,
            PlotRenderingInfo info) {
        if (info != null) {
            info.setPlotArea(area);
            info.setDataArea(area);
        }
        if (panels.isEmpty()) {
            drawNoDataMessage(g2, area);
            return;
        }
        int rows = (panels.size() + columns - 1) / columns;
        double w = area.getWidth() / columns;
        double h = area.getHeight() / rows;
        for (int i = 0; i < panels.size(); i++) {
            Rectangle2D cell =
                    new Rectangle2D.Double(
                            area.getX() + (i % columns) * w, area.getY() + (i / columns) * h, w, h);
            panels.get(i).draw(g2, cell);
        }
    }
}
