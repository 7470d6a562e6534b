package dev.distill.cli.demo;

import dev.distill.schemas.avro.EvalReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** The demo's summary: its rows, shown by the HTML report, and the same rows as a console table. */
final class SummaryTable {
    private SummaryTable() {}

    /**
     * Teacher, SFT student, then per objective (in run order) each run's final checkpoint, and for
     * an objective with two or more scored runs, the mean and sample standard deviation of their
     * final checkpoints. No "best" row: a checkpoint picked by its score on these same test items
     * would overstate it ({@code distill experiment} picks on the validation split).
     */
    static List<SummaryRow> rows(DemoResults results) {
        List<SummaryRow> rows = new ArrayList<>();
        if (results.teacher() != null) {
            rows.add(SummaryRow.reference("teacher", results.teacher()));
        }
        if (results.sft() != null) {
            rows.add(SummaryRow.reference("SFT student", results.sft()));
        }
        List<String> labels = ReportRuns.labels(results.runs());
        Map<String, List<Integer>> byObjective = new LinkedHashMap<>();
        for (int i = 0; i < results.runs().size(); i++) {
            byObjective
                    .computeIfAbsent(results.runs().get(i).objective().id(), k -> new ArrayList<>())
                    .add(i);
        }
        byObjective.forEach(
                (objective, runs) -> {
                    List<EvalReport> finals = new ArrayList<>();
                    for (int i : runs) {
                        RunSeries run = results.runs().get(i);
                        Optional<EvalReport> last = ReportRuns.last(run);
                        if (last.isEmpty()) {
                            rows.add(
                                    new SummaryRow(
                                            SummaryRow.Kind.CHECKPOINT,
                                            labels.get(i),
                                            "no checkpoint scored",
                                            null,
                                            null,
                                            null,
                                            null,
                                            null,
                                            null,
                                            null));
                            continue;
                        }
                        finals.add(last.get());
                        rows.add(
                                SummaryRow.checkpoint(
                                        labels.get(i),
                                        "v" + last.get().getVersion() + " final",
                                        last.get()));
                    }
                    if (finals.size() >= 2) {
                        rows.add(seedMean(objective, finals));
                    }
                });
        return rows;
    }

    /** The rows as a fixed-width table for the console, under a header and a rule. */
    static String text(DemoResults results) {
        List<List<String>> lines = new ArrayList<>();
        lines.add(SummaryRow.HEADERS);
        rows(results).forEach(r -> lines.add(r.cells()));
        int[] width = new int[SummaryRow.HEADERS.size()];
        for (List<String> line : lines) {
            for (int c = 0; c < width.length; c++) {
                width[c] = Math.max(width[c], line.get(c).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < width.length; c++) {
                String cell = lines.get(i).get(c);
                String pad = " ".repeat(width[c] - cell.length());
                // Names read left to right, numbers line up on their last digit.
                line.append(c == 0 ? "" : "  ").append(c < 2 ? cell + pad : pad + cell);
            }
            out.append(line.toString().stripTrailing()).append('\n');
            if (i == 0) {
                out.append("-".repeat(line.length())).append('\n');
            }
        }
        return out.toString();
    }

    /** Sample standard deviation (n - 1), as the evaluator's spread over sampling seeds. */
    private static SummaryRow seedMean(String objective, List<EvalReport> finals) {
        Double mean = mean(finals, EvalReport::getRougeL);
        Double std = null;
        if (mean != null) {
            double ss = 0;
            for (EvalReport r : finals) {
                ss += (r.getRougeL() - mean) * (r.getRougeL() - mean);
            }
            std = Math.sqrt(ss / (finals.size() - 1));
        }
        return new SummaryRow(
                SummaryRow.Kind.SEED_MEAN,
                objective,
                "final, mean ± std over " + finals.size() + " seeds",
                mean,
                std,
                mean(finals, EvalReport::getExactMatch),
                mean(finals, EvalReport::getTokenEce),
                mean(finals, EvalReport::getEce),
                mean(finals, EvalReport::getRklToTeacher),
                mean(finals, EvalReport::getExAccErr));
    }

    /**
     * Null unless every run measured the value: a mean over the runs that happen to have it would
     * mislead.
     */
    private static Double mean(List<EvalReport> reports, Function<EvalReport, Double> value) {
        double sum = 0;
        for (EvalReport r : reports) {
            Double v = value.apply(r);
            if (!SummaryRow.measured(v)) {
                return null;
            }
            sum += v;
        }
        return sum / reports.size();
    }
}
