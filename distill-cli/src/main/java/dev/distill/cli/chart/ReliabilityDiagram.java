package dev.distill.cli.chart;

import java.awt.Color;
import java.util.List;

/** One model's token reliability diagram; bins are over confidence in [0, 1]. */
public record ReliabilityDiagram(String title, Color color, List<Bin> bins) {
    public ReliabilityDiagram {
        bins = List.copyOf(bins);
    }

    public record Bin(
            double lower, double upper, long count, double meanConfidence, double accuracy) {}

    long tokens() {
        return bins.stream().mapToLong(Bin::count).sum();
    }
}
