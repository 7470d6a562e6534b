package dev.distill.cli.chart;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;

/**
 * Small multiples of line plots: one panel per plot, one shared legend and one shared x-axis label.
 */
public final class GridChartFactory {
    public static final int WIDTH = ChartStyle.WIDTH;
    public static final int HEIGHT = 600;

    private GridChartFactory() {}

    /**
     * A grid of {@link #WIDTH} x {@link #HEIGHT}; series of the same name are the same thing in
     * every panel.
     */
    public static Figure grid(String title, String xLabel, List<LinePlot> plots) {
        List<JFreeChart> panels = plots.stream().map(LineChartFactory::panel).toList();
        int columns = plots.size() <= 1 ? 1 : plots.size() <= 4 ? 2 : 3;
        PanelGridPlot grid =
                new PanelGridPlot(panels, columns, legendOf(panels), "nothing to plot");
        JFreeChart chart = ChartStyle.chart(title, ChartStyle.TITLE, grid, true);
        chart.addSubtitle(ChartStyle.footer(xLabel, ChartStyle.LABEL, ChartStyle.TEXT));
        return new Figure(chart, WIDTH, HEIGHT);
    }

    /** Every distinct series once, in order of first appearance. */
    private static LegendItemCollection legendOf(List<JFreeChart> panels) {
        LegendItemCollection out = new LegendItemCollection();
        Set<String> seen = new HashSet<>();
        for (JFreeChart panel : panels) {
            LegendItemCollection items = panel.getPlot().getLegendItems();
            for (int i = 0; i < items.getItemCount(); i++) {
                LegendItem item = items.get(i);
                if (seen.add(item.getLabel())) {
                    out.add(item);
                }
            }
        }
        return out;
    }
}
