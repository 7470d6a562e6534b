package dev.distill.cli.chart;

import java.awt.BasicStroke;

/** How a line is stroked: runs of one objective share a colour and differ by style. */
public enum LineStyle {
    SOLID,
    DASHED,
    DOTTED;

    public BasicStroke stroke(float width) {
        return switch (this) {
            case SOLID -> new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
            case DASHED -> dashed(width, 7f, 4f);
            case DOTTED -> dashed(width, 2f, 3f);
        };
    }

    private static BasicStroke dashed(float width, float dash, float gap) {
        return new BasicStroke(
                width,
                BasicStroke.CAP_BUTT,
                BasicStroke.JOIN_ROUND,
                10f,
                new float[] {dash, gap},
                0f);
    }
}
