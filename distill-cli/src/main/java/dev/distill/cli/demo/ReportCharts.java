package dev.distill.cli.demo;

import dev.distill.cli.chart.ChartPalette;
import dev.distill.cli.chart.Figure;
import dev.distill.cli.chart.GridChartFactory;
import dev.distill.cli.chart.LineChartFactory;
import dev.distill.cli.chart.LinePlot;
import dev.distill.cli.chart.LinePlot.Point;
import dev.distill.cli.chart.LinePlot.Reference;
import dev.distill.cli.chart.LinePlot.Series;
import dev.distill.cli.chart.LineStyle;
import dev.distill.cli.chart.ReliabilityChartFactory;
import dev.distill.cli.chart.ReliabilityDiagram;
import dev.distill.schemas.avro.EvalReport;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;

/**
 * The report's four figures of a demo's results, each with the file it is written to and its
 * caption.
 */
final class ReportCharts {
    static final String ROUGE_PNG = "rouge-l.png";
    static final String ECE_PNG = "ece.png";
    static final String LOSSES_PNG = "losses.png";
    static final String RELIABILITY_PNG = "reliability.png";

    private ReportCharts() {}

    record Chart(String file, String caption, Figure figure) {}

    static List<Chart> of(DemoResults results) {
        return List.of(
                new Chart(
                        ROUGE_PNG,
                        "Rouge-L of every checkpoint of every run, with the teacher and the SFT"
                            + " student it was distilled from as reference lines; the band is ± one"
                            + " standard deviation over sampling seeds.",
                        rouge(results)),
                new Chart(
                        ECE_PNG,
                        "Token-level ECE (solid) and, where the held-out set has multiple-choice"
                            + " items, answer-option ECE (dashed) per checkpoint; lower is better"
                            + " calibrated.",
                        ece(results)),
                new Chart(
                        LOSSES_PNG,
                        "Loss terms of the training round that produced each checkpoint, one panel"
                            + " per term; a gap in a line is a round that did not report the term.",
                        losses(results)),
                new Chart(
                        RELIABILITY_PNG,
                        "Token reliability diagrams: accuracy against confidence per bin; bars on "
                                + "the diagonal are perfectly calibrated.",
                        reliability(results)));
    }

    static Figure rouge(DemoResults results) {
        List<String> labels = ReportRuns.labels(results.runs());
        List<Series> series = new ArrayList<>();
        for (int i = 0; i < results.runs().size(); i++) {
            List<Point> points =
                    ReportRuns.byVersion(results.runs().get(i)).stream()
                            .map(r -> new Point(r.getVersion(), r.getRougeL(), r.getRougeLStd()))
                            .toList();
            series.add(
                    new Series(
                            labels.get(i),
                            ReportRuns.color(results.runs(), i),
                            ReportRuns.style(results.runs(), i),
                            points));
        }
        List<Reference> refs = new ArrayList<>();
        if (results.teacher() != null) {
            refs.add(
                    new Reference(
                            "teacher " + SummaryRow.fixed(results.teacher().rougeL(), 1),
                            results.teacher().rougeL(),
                            ChartPalette.TEACHER,
                            LineStyle.DASHED));
        }
        if (results.sft() != null) {
            refs.add(
                    new Reference(
                            "SFT student " + SummaryRow.fixed(results.sft().rougeL(), 1),
                            results.sft().rougeL(),
                            ChartPalette.SFT,
                            LineStyle.DASHED));
        }
        return LineChartFactory.lineChart(
                new LinePlot(
                        "Rouge-L per checkpoint (band: ± std over sampling seeds)",
                        "checkpoint version",
                        "Rouge-L",
                        series,
                        refs));
    }

    static Figure ece(DemoResults results) {
        List<String> labels = ReportRuns.labels(results.runs());
        List<Series> series = new ArrayList<>();
        for (int i = 0; i < results.runs().size(); i++) {
            List<EvalReport> reports = ReportRuns.byVersion(results.runs().get(i));
            Color color = ReportRuns.color(results.runs(), i);
            series.add(
                    new Series(
                            labels.get(i) + " token",
                            color,
                            LineStyle.SOLID,
                            reports.stream()
                                    .map(r -> Point.of(r.getVersion(), r.getTokenEce()))
                                    .toList()));
            if (reports.stream().anyMatch(r -> r.getEce() != null)) {
                series.add(
                        new Series(
                                labels.get(i) + " option",
                                color,
                                LineStyle.DASHED,
                                reports.stream()
                                        .map(r -> Point.of(r.getVersion(), r.getEce()))
                                        .toList()));
            }
        }
        List<Reference> refs = new ArrayList<>();
        eceReferences(refs, "teacher", results.teacher(), ChartPalette.TEACHER);
        eceReferences(refs, "SFT", results.sft(), ChartPalette.SFT);
        return LineChartFactory.lineChart(
                new LinePlot(
                        "Calibration per checkpoint: token ECE (solid), answer-option ECE (dashed)",
                        "checkpoint version",
                        "ECE",
                        series,
                        refs));
    }

    private static void eceReferences(
            List<Reference> refs, String name, ModelScore s, Color color) {
        if (s == null) {
            return;
        }
        refs.add(
                new Reference(
                        name + " token " + SummaryRow.fixed(s.tokenEce(), 3),
                        s.tokenEce(),
                        color,
                        LineStyle.DASHED));
        if (s.optionEce() != null) {
            refs.add(
                    new Reference(
                            name + " option " + SummaryRow.fixed(s.optionEce(), 3),
                            s.optionEce(),
                            color,
                            LineStyle.DOTTED));
        }
    }

    static Figure losses(DemoResults results) {
        List<String> labels = ReportRuns.labels(results.runs());
        List<LinePlot> panels = new ArrayList<>();
        for (String key : ReportRuns.lossKeys(results.runs())) {
            List<Series> series = new ArrayList<>();
            for (int i = 0; i < results.runs().size(); i++) {
                List<Point> points =
                        ReportRuns.byVersion(results.runs().get(i)).stream()
                                .map(r -> Point.of(r.getVersion(), r.getTrainMetrics().get(key)))
                                .toList();
                series.add(
                        new Series(
                                labels.get(i),
                                ReportRuns.color(results.runs(), i),
                                ReportRuns.style(results.runs(), i),
                                points));
            }
            panels.add(new LinePlot(key, "", "", series, List.of()));
        }
        return GridChartFactory.grid(
                "Training loss terms of the round that produced each checkpoint",
                "checkpoint version",
                panels);
    }

    /**
     * The first run's best checkpoint against the SFT student it started from and the teacher it
     * imitates.
     */
    static Figure reliability(DemoResults results) {
        List<ReliabilityDiagram> diagrams = new ArrayList<>();
        if (!results.runs().isEmpty()) {
            String label = ReportRuns.labels(results.runs()).get(0);
            ReportRuns.best(results.runs().get(0))
                    .ifPresent(
                            b ->
                                    diagrams.add(
                                            new ReliabilityDiagram(
                                                    label
                                                            + " v"
                                                            + b.getVersion()
                                                            + " · ECE "
                                                            + SummaryRow.fixed(b.getTokenEce(), 3),
                                                    ChartPalette.run(0),
                                                    b.getReliability().stream()
                                                            .map(
                                                                    x ->
                                                                            new ReliabilityDiagram
                                                                                    .Bin(
                                                                                    x.getLower(),
                                                                                    x.getUpper(),
                                                                                    x.getCount(),
                                                                                    x
                                                                                            .getConfidence(),
                                                                                    x
                                                                                            .getAccuracy()))
                                                            .toList())));
        }
        if (results.sft() != null) {
            diagrams.add(diagram("SFT student", results.sft(), ChartPalette.SFT));
        }
        if (results.teacher() != null) {
            diagrams.add(diagram("teacher", results.teacher(), ChartPalette.TEACHER));
        }
        return ReliabilityChartFactory.reliability(
                "Token reliability: best checkpoint (by Rouge-L) of the first run, SFT student,"
                        + " teacher",
                diagrams);
    }

    private static ReliabilityDiagram diagram(String name, ModelScore s, Color color) {
        return new ReliabilityDiagram(
                name + " · ECE " + SummaryRow.fixed(s.tokenEce(), 3),
                color,
                s.reliability().stream()
                        .map(
                                b ->
                                        new ReliabilityDiagram.Bin(
                                                b.lower(),
                                                b.upper(),
                                                b.count(),
                                                b.meanConfidence(),
                                                b.accuracy()))
                        .toList());
    }
}
