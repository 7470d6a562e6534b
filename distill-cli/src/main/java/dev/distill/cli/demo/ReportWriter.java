package dev.distill.cli.demo;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import dev.distill.cli.chart.Headless;
import dev.distill.schemas.avro.EvalReport;
import java.awt.Color;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The demo's report: a self-contained HTML page (inline CSS, no scripts, nothing fetched) next to
 * the PNG charts it shows. The page is the template {@value #TEMPLATE} filled with a {@link
 * ReportView}.
 */
public final class ReportWriter {
    static final String HTML = "report.html";
    static final String TEMPLATE = "report.html.mustache";

    static {
        // Before anything here loads java.awt.Color, which fixes AWT's headless mode for the life
        // of the JVM.
        Headless.unlessSet();
    }

    private static final Mustache PAGE =
            new DefaultMustacheFactory("dev/distill/cli/demo").compile(TEMPLATE);
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
                    .withZone(ZoneOffset.UTC);

    private ReportWriter() {}

    /**
     * Writes the four charts and report.html into dir (created if missing); returns the path of
     * report.html.
     */
    public static Path write(DemoResults results, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<ReportView.Image> images = new ArrayList<>();
        for (ReportCharts.Chart c : ReportCharts.of(results)) {
            c.figure().writePng(dir.resolve(c.file()));
            images.add(
                    new ReportView.Image(
                            c.file(), c.figure().width(), c.figure().height(), c.caption()));
        }
        Path html = dir.resolve(HTML);
        Files.writeString(html, render(view(results, images)), StandardCharsets.UTF_8);
        return html;
    }

    static String render(ReportView view) {
        StringWriter out = new StringWriter();
        try {
            PAGE.execute(out, view).flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot render " + TEMPLATE + " into a string", e);
        }
        return out.toString();
    }

    static ReportView view(DemoResults results, List<ReportView.Image> images) {
        List<ReportView.Row> summary =
                SummaryTable.rows(results).stream()
                        .map(
                                r ->
                                        row(
                                                switch (r.kind()) {
                                                    case REFERENCE -> "reference";
                                                    case CHECKPOINT -> "checkpoint";
                                                    case SEED_MEAN -> "seed-mean";
                                                },
                                                r.cells(),
                                                2))
                        .toList();
        List<String> labels = ReportRuns.labels(results.runs());
        List<ReportView.Run> runs = new ArrayList<>();
        for (int i = 0; i < results.runs().size(); i++) {
            RunSeries run = results.runs().get(i);
            Color color = ReportRuns.color(results.runs(), i);
            runs.add(
                    new ReportView.Run(
                            labels.get(i),
                            run.runId(),
                            String.format(Locale.ROOT, "#%06x", color.getRGB() & 0xFFFFFF),
                            checkpoints(run, labels.get(i))));
        }
        return new ReportView(
                results.dataset() == null ? SummaryRow.MISSING : results.dataset(),
                results.finishedAt() == null
                        ? SummaryRow.MISSING
                        : TIME.format(results.finishedAt()),
                SummaryRow.HEADERS,
                summary,
                images,
                runs,
                results.notes());
    }

    /** A row per scored checkpoint, the best highlighted; null when none was scored. */
    private static ReportView.Table checkpoints(RunSeries run, String label) {
        List<EvalReport> reports = ReportRuns.byVersion(run);
        if (reports.isEmpty()) {
            return null;
        }
        Set<String> keys = new TreeSet<>();
        reports.forEach(r -> keys.addAll(r.getTrainMetrics().keySet()));
        List<String> trainKeys = ReportRuns.lossFirst(keys);
        // Counters (rollouts, dead letters) read better as 64 than as 64.0000.
        Set<String> whole = new HashSet<>();
        for (String k : trainKeys) {
            if (reports.stream()
                    .map(r -> r.getTrainMetrics().get(k))
                    .filter(SummaryRow::measured)
                    .allMatch(v -> v == Math.rint(v))) {
                whole.add(k);
            }
        }
        long best = ReportRuns.best(run).map(EvalReport::getVersion).orElse(Long.MIN_VALUE);
        List<String> headers = new ArrayList<>(List.of("version"));
        headers.addAll(SummaryRow.METRIC_HEADERS);
        headers.addAll(trainKeys);
        List<ReportView.Row> rows = new ArrayList<>();
        for (EvalReport r : reports) {
            List<String> cells = new ArrayList<>();
            cells.add("v" + r.getVersion());
            cells.addAll(SummaryRow.checkpoint(label, "v" + r.getVersion(), r).metricCells());
            trainKeys.forEach(
                    k ->
                            cells.add(
                                    whole.contains(k)
                                            ? SummaryRow.fixed(r.getTrainMetrics().get(k), 0)
                                            : SummaryRow.number(r.getTrainMetrics().get(k))));
            rows.add(row(r.getVersion() == best ? "best" : null, cells, 1));
        }
        return new ReportView.Table(headers, rows);
    }

    /** The first textCells left-aligned as text, the rest right-aligned as numbers. */
    private static ReportView.Row row(String cssClass, List<String> cells, int textCells) {
        List<ReportView.Cell> out = new ArrayList<>();
        for (int c = 0; c < cells.size(); c++) {
            out.add(new ReportView.Cell(cells.get(c), c >= textCells));
        }
        return new ReportView.Row(cssClass, out);
    }
}
