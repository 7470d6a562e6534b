package dev.distill.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.distill.cli.chart.ChartPalette;
import dev.distill.cli.chart.Headless;
import dev.distill.cli.chart.LineChartFactory;
import dev.distill.cli.chart.LinePlot;
import dev.distill.cli.chart.LinePlot.Point;
import dev.distill.cli.chart.LinePlot.Reference;
import dev.distill.cli.chart.LinePlot.Series;
import dev.distill.cli.chart.LineStyle;
import dev.distill.core.data.HeldOutItem;
import dev.distill.core.experiment.Arm;
import dev.distill.core.experiment.ArmRun;
import dev.distill.core.experiment.ExperimentReport;
import dev.distill.core.experiment.TestScores;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The experiment's figures beside its report: validation score per checkpoint (the selection),
 * Rouge-L by reference length (the paper's Figure 3) and ExAccErr by generation step (its
 * exposure-bias figure), one line per arm, mean over the arm's training runs.
 */
final class ExperimentFigures {
    static final List<String> FILES = List.of("validation.png", "length.png", "exaccerr.png");

    private ExperimentFigures() {}

    static void write(
            Path outDir, List<Arm> arms, long[] seeds, List<HeldOutItem> test, ObjectMapper json)
            throws IOException {
        Headless.unlessSet();
        List<Series> validation = new ArrayList<>();
        List<Series> length = new ArrayList<>();
        List<Series> exAccErr = new ArrayList<>();
        for (ExperimentReport.Finished f : ExperimentReport.finished(outDir, arms, seeds, json)) {
            Arm arm = f.arm();
            List<ArmRun.Result> runs = f.runs();
            List<TestScores> scores = f.scores();
            Color color = ChartPalette.run(arms.indexOf(arm));
            LineStyle style =
                    arm.name().startsWith("minillm-") ? LineStyle.DASHED : LineStyle.SOLID;
            List<Point> val = new ArrayList<>();
            for (ArmRun.Validation v : runs.get(0).validation()) {
                double mean =
                        runs.stream()
                                .flatMap(r -> r.validation().stream())
                                .filter(x -> x.version() == v.version())
                                .mapToDouble(ArmRun.Validation::score)
                                .average()
                                .orElse(Double.NaN);
                val.add(Point.of(v.version(), mean));
            }
            validation.add(new Series(arm.name(), color, style, val));
            List<double[]> paper = scores.stream().map(TestScores::paper).toList();
            List<Point> len = new ArrayList<>();
            for (int b = 0; b < ExperimentReport.LENGTH_BUCKETS.length; b++) {
                len.add(
                        Point.of(
                                b + 1,
                                ExperimentReport.bucketMean(
                                        paper, test, ExperimentReport.LENGTH_BUCKETS[b])));
            }
            length.add(new Series(arm.name(), color, style, len));
            List<Point> ex = new ArrayList<>();
            for (int i = 0; i < TestScores.EX_ACC_ERR_STEPS.length; i++) {
                int k = i;
                ex.add(
                        Point.of(
                                TestScores.EX_ACC_ERR_STEPS[i],
                                scores.stream()
                                        .filter(s -> s.exAccErr() != null)
                                        .mapToDouble(s -> s.exAccErr()[k])
                                        .average()
                                        .orElse(Double.NaN)));
            }
            exAccErr.add(new Series(arm.name(), color, style, ex));
        }
        TestScores init =
                json.readValue(outDir.resolve("test/sft-init.json").toFile(), TestScores.class);
        TestScores teacher =
                json.readValue(outDir.resolve("test/teacher.json").toFile(), TestScores.class);
        LineChartFactory.lineChart(
                        new LinePlot(
                                "Validation score of each evaluated checkpoint (mean of greedy and "
                                        + "one sampled pass, mean over seeds): the best is kept",
                                "checkpoint version",
                                "Rouge-L",
                                validation,
                                List.of()))
                .writePng(outDir.resolve(FILES.get(0)));
        List<Series> withStart = new ArrayList<>(length);
        withStart.add(
                new Series(
                        "SFT student (start)",
                        ChartPalette.SFT,
                        LineStyle.DOTTED,
                        byLength(init, test)));
        withStart.add(
                new Series(
                        "teacher",
                        ChartPalette.TEACHER,
                        LineStyle.DOTTED,
                        byLength(teacher, test)));
        LineChartFactory.lineChart(
                        new LinePlot(
                                "Test Rouge-L (paper protocol) by reference length: 1, 2-4, 5-6, "
                                        + "7+ words",
                                "length bucket",
                                "Rouge-L",
                                withStart,
                                List.of()))
                .writePng(outDir.resolve(FILES.get(1)));
        LineChartFactory.lineChart(
                        new LinePlot(
                                "ExAccErr against the teacher by generation steps l",
                                "l (steps)",
                                "ExAccErr %",
                                exAccErr,
                                List.of(
                                        new Reference(
                                                "0", 0, ChartPalette.TEACHER, LineStyle.DOTTED))))
                .writePng(outDir.resolve(FILES.get(2)));
    }

    /** One model's mean test Rouge-L per length bucket, at x = 1, 2, ... */
    private static List<Point> byLength(TestScores model, List<HeldOutItem> test) {
        List<Point> out = new ArrayList<>();
        for (int b = 0; b < ExperimentReport.LENGTH_BUCKETS.length; b++) {
            out.add(
                    Point.of(
                            b + 1,
                            ExperimentReport.bucketMean(
                                    List.of(model.paper()),
                                    test,
                                    ExperimentReport.LENGTH_BUCKETS[b])));
        }
        return out;
    }
}
