package dev.distill.cli.demo;

import dev.distill.cli.demo.Charts.LineStyle;
import dev.distill.cli.demo.Charts.Plot;
import dev.distill.cli.demo.Charts.Point;
import dev.distill.cli.demo.Charts.Reference;
import dev.distill.cli.demo.Charts.Series;
import dev.distill.schemas.avro.EvalReport;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The demo's report: a self-contained HTML page (inline CSS, no scripts, nothing fetched) next to the PNG charts
 * it shows, and the same summary as a console table.
 */
public final class ReportWriter {
    static final String ROUGE_PNG = "rouge-l.png";
    static final String ECE_PNG = "ece.png";
    static final String LOSSES_PNG = "losses.png";
    static final String RELIABILITY_PNG = "reliability.png";
    static final String HTML = "report.html";

    /**
     * Counters and throughput the trainer reports next to its loss terms: listed in the per-checkpoint tables, but
     * not charted as losses, since they say how much was trained on, not how training went.
     */
    static final Set<String> BOOKKEEPING = Set.of("rollouts", "dropped_stale", "dead_lettered");

    static {
        // Before anything here loads java.awt.Color, which fixes AWT's headless mode for the life of the JVM.
        Charts.headlessUnlessSet();
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private ReportWriter() {}

    /** Writes the four charts and report.html into dir (created if missing); returns the path of report.html. */
    public static Path write(DemoResults results, Path dir) throws IOException {
        Files.createDirectories(dir);
        Charts.writePng(rougeChart(results), dir.resolve(ROUGE_PNG));
        Charts.writePng(eceChart(results), dir.resolve(ECE_PNG));
        Charts.writePng(lossesChart(results), dir.resolve(LOSSES_PNG));
        Charts.writePng(reliabilityChart(results), dir.resolve(RELIABILITY_PNG));
        Path html = dir.resolve(HTML);
        Files.writeString(html, html(results), StandardCharsets.UTF_8);
        return html;
    }

    /** The summary as a fixed-width table for the console: the rows of the HTML report's summary. */
    public static String summaryTable(DemoResults results) {
        List<List<String>> lines = new ArrayList<>();
        lines.add(SummaryRow.HEADERS);
        summaryRows(results).forEach(r -> lines.add(r.cells()));
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

    /**
     * Teacher, SFT student, then per objective (in run order) each run's final checkpoint, and for an objective
     * with two or more scored runs, the mean and sample standard deviation of their final checkpoints. No "best"
     * row: a checkpoint picked by its score on these same test items would overstate it ({@code distill
     * experiment} picks on the validation split).
     */
    static List<SummaryRow> summaryRows(DemoResults results) {
        List<SummaryRow> rows = new ArrayList<>();
        if (results.teacher() != null) {
            rows.add(SummaryRow.reference("teacher", results.teacher()));
        }
        if (results.sft() != null) {
            rows.add(SummaryRow.reference("SFT student", results.sft()));
        }
        List<String> labels = runLabels(results.runs());
        Map<String, List<Integer>> byObjective = new LinkedHashMap<>();
        for (int i = 0; i < results.runs().size(); i++) {
            byObjective.computeIfAbsent(results.runs().get(i).objective(), k -> new ArrayList<>()).add(i);
        }
        byObjective.forEach((objective, runs) -> {
            List<EvalReport> finals = new ArrayList<>();
            for (int i : runs) {
                RunSeries run = results.runs().get(i);
                Optional<EvalReport> last = last(run);
                if (last.isEmpty()) {
                    rows.add(new SummaryRow(SummaryRow.Kind.CHECKPOINT, labels.get(i), "no checkpoint scored",
                            null, null, null, null, null, null, null));
                    continue;
                }
                finals.add(last.get());
                rows.add(SummaryRow.checkpoint(labels.get(i), "v" + last.get().getVersion() + " final", last.get()));
            }
            if (finals.size() >= 2) {
                rows.add(seedMean(objective, finals));
            }
        });
        return rows;
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
        return new SummaryRow(SummaryRow.Kind.SEED_MEAN, objective,
                "final, mean ± std over " + finals.size() + " seeds", mean, std, mean(finals, EvalReport::getExactMatch),
                mean(finals, EvalReport::getTokenEce), mean(finals, EvalReport::getEce),
                mean(finals, EvalReport::getRklToTeacher), mean(finals, EvalReport::getExAccErr));
    }

    /** Null unless every run measured the value: a mean over the runs that happen to have it would mislead. */
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

    // ---- runs -------------------------------------------------------------------------------------------------

    /** "objective seed N"; the run id is added only where two runs would otherwise share a label. */
    static List<String> runLabels(List<RunSeries> runs) {
        Map<String, Integer> uses = new HashMap<>();
        runs.forEach(r -> uses.merge(baseLabel(r), 1, Integer::sum));
        return runs.stream().map(r -> uses.get(baseLabel(r)) > 1 ? baseLabel(r) + " (" + r.runId() + ")" : baseLabel(r))
                .toList();
    }

    /**
     * One colour per objective (in order of first appearance), so a comparison of objectives over several
     * seeds reads at a glance; the seeds of an objective differ by line style.
     */
    static Color runColor(List<RunSeries> runs, int i) {
        List<String> objectives = runs.stream().map(RunSeries::objective).distinct().toList();
        return Charts.runColor(objectives.indexOf(runs.get(i).objective()));
    }

    /** Solid for an objective's first run, then dashed, then dotted, and around again. */
    static LineStyle runStyle(List<RunSeries> runs, int i) {
        String objective = runs.get(i).objective();
        long before = runs.subList(0, i).stream().filter(r -> r.objective().equals(objective)).count();
        return LineStyle.values()[(int) (before % LineStyle.values().length)];
    }

    private static String baseLabel(RunSeries r) {
        return r.objective() + " seed " + r.seed();
    }

    private static List<EvalReport> byVersion(RunSeries run) {
        return run.reports().stream().sorted(Comparator.comparingLong(EvalReport::getVersion)).toList();
    }

    private static Optional<EvalReport> last(RunSeries run) {
        return run.reports().stream().max(Comparator.comparingLong(EvalReport::getVersion));
    }

    /** Highest Rouge-L; on a tie the earlier checkpoint, which reached it with less training. */
    static Optional<EvalReport> best(RunSeries run) {
        return run.reports().stream().filter(r -> Double.isFinite(r.getRougeL()))
                .max(Comparator.comparingDouble(EvalReport::getRougeL)
                        .thenComparing(Comparator.comparingLong(EvalReport::getVersion).reversed()));
    }

    /** Loss terms charted for these runs: every key with a finite value somewhere, "loss" first. */
    static List<String> lossKeys(List<RunSeries> runs) {
        Set<String> keys = new TreeSet<>();
        for (RunSeries run : runs) {
            for (EvalReport r : run.reports()) {
                r.getTrainMetrics().forEach((k, v) -> {
                    if (SummaryRow.measured(v) && !BOOKKEEPING.contains(k) && !k.endsWith("_per_second")) {
                        keys.add(k);
                    }
                });
            }
        }
        return lossFirst(keys);
    }

    private static List<String> lossFirst(Set<String> sortedKeys) {
        List<String> out = new ArrayList<>(sortedKeys);
        if (out.remove("loss")) {
            out.add(0, "loss");
        }
        return out;
    }

    // ---- charts -----------------------------------------------------------------------------------------------

    static BufferedImage rougeChart(DemoResults results) {
        List<String> labels = runLabels(results.runs());
        List<Series> series = new ArrayList<>();
        for (int i = 0; i < results.runs().size(); i++) {
            List<Point> points = byVersion(results.runs().get(i)).stream()
                    .map(r -> new Point(r.getVersion(), r.getRougeL(), r.getRougeLStd())).toList();
            series.add(new Series(labels.get(i), runColor(results.runs(), i), runStyle(results.runs(), i), points));
        }
        List<Reference> refs = new ArrayList<>();
        if (results.teacher() != null) {
            refs.add(new Reference("teacher " + SummaryRow.fixed(results.teacher().rougeL(), 1), results.teacher().rougeL(),
                    Charts.TEACHER, LineStyle.DASHED));
        }
        if (results.sft() != null) {
            refs.add(new Reference("SFT student " + SummaryRow.fixed(results.sft().rougeL(), 1), results.sft().rougeL(),
                    Charts.SFT, LineStyle.DASHED));
        }
        return Charts.lineChart(new Plot("Rouge-L per checkpoint (band: ± std over sampling seeds)", "checkpoint version",
                "Rouge-L", series, refs));
    }

    static BufferedImage eceChart(DemoResults results) {
        List<String> labels = runLabels(results.runs());
        List<Series> series = new ArrayList<>();
        for (int i = 0; i < results.runs().size(); i++) {
            List<EvalReport> reports = byVersion(results.runs().get(i));
            Color color = runColor(results.runs(), i);
            series.add(new Series(labels.get(i) + " token", color, LineStyle.SOLID,
                    reports.stream().map(r -> Point.of(r.getVersion(), r.getTokenEce())).toList()));
            if (reports.stream().anyMatch(r -> r.getEce() != null)) {
                series.add(new Series(labels.get(i) + " option", color, LineStyle.DASHED,
                        reports.stream().map(r -> Point.of(r.getVersion(), r.getEce())).toList()));
            }
        }
        List<Reference> refs = new ArrayList<>();
        eceReferences(refs, "teacher", results.teacher(), Charts.TEACHER);
        eceReferences(refs, "SFT", results.sft(), Charts.SFT);
        return Charts.lineChart(new Plot("Calibration per checkpoint: token ECE (solid), answer-option ECE (dashed)",
                "checkpoint version", "ECE", series, refs));
    }

    private static void eceReferences(List<Reference> refs, String name, ModelScore s, Color color) {
        if (s == null) {
            return;
        }
        refs.add(new Reference(name + " token " + SummaryRow.fixed(s.tokenEce(), 3), s.tokenEce(), color, LineStyle.DASHED));
        if (s.optionEce() != null) {
            refs.add(new Reference(name + " option " + SummaryRow.fixed(s.optionEce(), 3), s.optionEce(), color,
                    LineStyle.DOTTED));
        }
    }

    static BufferedImage lossesChart(DemoResults results) {
        List<String> labels = runLabels(results.runs());
        List<Plot> panels = new ArrayList<>();
        for (String key : lossKeys(results.runs())) {
            List<Series> series = new ArrayList<>();
            for (int i = 0; i < results.runs().size(); i++) {
                List<Point> points = byVersion(results.runs().get(i)).stream()
                        .map(r -> Point.of(r.getVersion(), r.getTrainMetrics().get(key))).toList();
                series.add(new Series(labels.get(i), runColor(results.runs(), i), runStyle(results.runs(), i), points));
            }
            panels.add(new Plot(key, "", "", series, List.of()));
        }
        return Charts.grid("Training loss terms of the round that produced each checkpoint", "checkpoint version", panels);
    }

    /** The first run's best checkpoint against the SFT student it started from and the teacher it imitates. */
    static BufferedImage reliabilityChart(DemoResults results) {
        List<Charts.Diagram> diagrams = new ArrayList<>();
        if (!results.runs().isEmpty()) {
            RunSeries first = results.runs().get(0);
            best(first).ifPresent(b -> diagrams.add(new Charts.Diagram(
                    runLabels(results.runs()).get(0) + " v" + b.getVersion() + " · ECE " + SummaryRow.fixed(b.getTokenEce(), 3),
                    Charts.runColor(0), b.getReliability().stream().map(x -> new ModelScore.Bin(x.getLower(), x.getUpper(),
                            x.getCount(), x.getConfidence(), x.getAccuracy())).toList())));
        }
        if (results.sft() != null) {
            diagrams.add(new Charts.Diagram("SFT student · ECE " + SummaryRow.fixed(results.sft().tokenEce(), 3), Charts.SFT,
                    results.sft().reliability()));
        }
        if (results.teacher() != null) {
            diagrams.add(new Charts.Diagram("teacher · ECE " + SummaryRow.fixed(results.teacher().tokenEce(), 3),
                    Charts.TEACHER, results.teacher().reliability()));
        }
        return Charts.reliability("Token reliability: best checkpoint (by Rouge-L) of the first run, SFT student, teacher",
                diagrams);
    }

    // ---- HTML -------------------------------------------------------------------------------------------------

    static String html(DemoResults results) {
        StringBuilder h = new StringBuilder();
        h.append("""
                <!DOCTYPE html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <title>distill demo report</title>
                <style>
                body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #222;
                       max-width: 960px; margin: 2em auto; padding: 0 1em; line-height: 1.45; }
                h1 { margin-bottom: 0.2em; }
                .meta, .caption { color: #555; }
                table { border-collapse: collapse; margin: 0.8em 0 0.4em; font-size: 0.92em; }
                th, td { padding: 0.3em 0.7em; border-bottom: 1px solid #ddd; text-align: left; white-space: nowrap; }
                th { background: #f2f2f2; }
                td.num { text-align: right; font-variant-numeric: tabular-nums; }
                tr.reference td { background: #f7f7f7; }
                tr.seed-mean td { font-weight: 600; border-top: 1px solid #999; }
                tr.best td { background: #fff4cc; }
                figure { margin: 1.5em 0; }
                figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
                figcaption { color: #555; font-size: 0.92em; }
                .swatch { display: inline-block; width: 0.9em; height: 0.9em; margin-right: 0.4em; vertical-align: -0.1em; }
                .scroll { overflow-x: auto; }
                code { font-size: 0.92em; }
                </style>
                </head>
                <body>
                <h1>distill demo</h1>
                """);
        h.append("<p class=\"meta\">Dataset: ").append(esc(results.dataset())).append(" · finished ")
                .append(results.finishedAt() == null ? SummaryRow.MISSING : esc(TIME.format(results.finishedAt())))
                .append("</p>\n");

        h.append("<h2>Summary</h2>\n<div class=\"scroll\"><table class=\"summary\">\n<thead><tr>");
        SummaryRow.HEADERS.forEach(c -> h.append("<th>").append(esc(c)).append("</th>"));
        h.append("</tr></thead>\n<tbody>\n");
        for (SummaryRow row : summaryRows(results)) {
            String kind = switch (row.kind()) {
                case REFERENCE -> "reference";
                case CHECKPOINT -> "checkpoint";
                case SEED_MEAN -> "seed-mean";
            };
            h.append("<tr class=\"").append(kind).append("\">");
            cells(h, row.cells(), 2);
            h.append("</tr>\n");
        }
        h.append("</tbody></table></div>\n");
        h.append("""
                <p class="caption">Rouge-L is F&times;100, mean &plusmn; standard deviation over the evaluator's sampling \
                seeds; in a &ldquo;mean &plusmn; std over N seeds&rdquo; row, over the runs' training seeds (final \
                checkpoints, sample standard deviation), the other columns there being means. Best = highest Rouge-L, \
                the earlier checkpoint on a tie. Exact match and ExAccErr (excess accumulated error against the teacher) \
                are percentages; token ECE is over 15 confidence bins. &ndash; = not measured.</p>
                """);

        h.append("<h2>Charts</h2>\n");
        figure(h, ROUGE_PNG, Charts.LINE_HEIGHT, "Rouge-L of every checkpoint of every run, with the teacher and the SFT "
                + "student it was distilled from as reference lines; the band is ± one standard deviation over sampling seeds.");
        figure(h, ECE_PNG, Charts.LINE_HEIGHT, "Token-level ECE (solid) and, where the held-out set has multiple-choice "
                + "items, answer-option ECE (dashed) per checkpoint; lower is better calibrated.");
        figure(h, LOSSES_PNG, Charts.GRID_HEIGHT, "Loss terms of the training round that produced each checkpoint, one "
                + "panel per term; a gap in a line is a round that did not report the term.");
        figure(h, RELIABILITY_PNG, Charts.RELIABILITY_HEIGHT, "Token reliability diagrams: accuracy against confidence "
                + "per bin; bars on the diagonal are perfectly calibrated.");

        h.append("<h2>Checkpoints</h2>\n");
        List<String> labels = runLabels(results.runs());
        for (int i = 0; i < results.runs().size(); i++) {
            checkpointTable(h, results.runs().get(i), labels.get(i), runColor(results.runs(), i));
        }
        if (results.runs().isEmpty()) {
            h.append("<p>No distillation run.</p>\n");
        }

        if (!results.notes().isEmpty()) {
            h.append("<h2>Notes</h2>\n<ul>\n");
            results.notes().forEach(n -> h.append("<li>").append(esc(n)).append("</li>\n"));
            h.append("</ul>\n");
        }
        h.append("</body>\n</html>\n");
        return h.toString();
    }

    private static void checkpointTable(StringBuilder h, RunSeries run, String label, Color color) {
        h.append(String.format(Locale.ROOT, "<h3><span class=\"swatch\" style=\"background:#%06x\"></span>", color.getRGB() & 0xFFFFFF))
                .append(esc(label)).append(" <small>run <code>").append(esc(run.runId())).append("</code></small></h3>\n");
        List<EvalReport> reports = byVersion(run);
        if (reports.isEmpty()) {
            h.append("<p>No checkpoint of this run was scored.</p>\n");
            return;
        }
        Set<String> keys = new TreeSet<>();
        reports.forEach(r -> keys.addAll(r.getTrainMetrics().keySet()));
        List<String> trainKeys = lossFirst(keys);
        // Counters (rollouts, dead letters) read better as 64 than as 64.0000.
        Set<String> whole = new HashSet<>();
        for (String k : trainKeys) {
            if (reports.stream().map(r -> r.getTrainMetrics().get(k)).filter(SummaryRow::measured)
                    .allMatch(v -> v == Math.rint(v))) {
                whole.add(k);
            }
        }
        long best = best(run).map(EvalReport::getVersion).orElse(Long.MIN_VALUE);
        h.append("<div class=\"scroll\"><table class=\"checkpoints\">\n<thead><tr><th>version</th>");
        SummaryRow.METRIC_HEADERS.forEach(c -> h.append("<th>").append(esc(c)).append("</th>"));
        trainKeys.forEach(k -> h.append("<th>").append(esc(k)).append("</th>"));
        h.append("</tr></thead>\n<tbody>\n");
        for (EvalReport r : reports) {
            List<String> cells = new ArrayList<>();
            cells.add("v" + r.getVersion());
            cells.addAll(SummaryRow.checkpoint(label, "v" + r.getVersion(), r).metricCells());
            trainKeys.forEach(k -> cells.add(whole.contains(k) ? SummaryRow.fixed(r.getTrainMetrics().get(k), 0)
                    : SummaryRow.number(r.getTrainMetrics().get(k))));
            h.append(r.getVersion() == best ? "<tr class=\"best\">" : "<tr>");
            cells(h, cells, 1);
            h.append("</tr>\n");
        }
        h.append("</tbody></table></div>\n");
        h.append("<p class=\"caption\">Highlighted: the best checkpoint by Rouge-L on these same items (so its score is "
                + "optimistic; distill experiment chooses checkpoints on the validation split). Columns after ExAccErr are the "
                + "trainer's metrics of the round that produced the checkpoint.</p>\n");
    }

    /** Table cells, the first textCells left-aligned as text, the rest right-aligned as numbers. */
    private static void cells(StringBuilder h, List<String> cells, int textCells) {
        for (int c = 0; c < cells.size(); c++) {
            h.append(c < textCells ? "<td>" : "<td class=\"num\">").append(esc(cells.get(c))).append("</td>");
        }
    }

    private static void figure(StringBuilder h, String png, int height, String caption) {
        h.append("<figure><img src=\"").append(esc(png)).append("\" width=\"").append(Charts.WIDTH).append("\" height=\"")
                .append(height).append("\" alt=\"").append(esc(caption)).append("\"><figcaption>").append(esc(caption))
                .append("</figcaption></figure>\n");
    }

    static String esc(String s) {
        if (s == null) {
            return SummaryRow.MISSING;
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
