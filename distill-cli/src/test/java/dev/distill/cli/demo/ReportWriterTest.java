package dev.distill.cli.demo;

import static dev.distill.cli.chart.Pixels.DRAWN;
import static dev.distill.cli.chart.Pixels.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distill.cli.chart.ChartPalette;
import dev.distill.cli.chart.GridChartFactory;
import dev.distill.cli.chart.LineChartFactory;
import dev.distill.cli.chart.LineStyle;
import dev.distill.cli.chart.Pixels;
import dev.distill.cli.chart.ReliabilityChartFactory;
import dev.distill.core.objective.Objective;
import dev.distill.schemas.avro.EvalReport;
import dev.distill.schemas.avro.ReliabilityBin;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {
    static final String EVIL_RUN = "mini-s2<script>alert(1)</script>";

    @TempDir Path dir;

    // ---- synthetic demo
    // ---------------------------------------------------------------------------------------

    static List<ModelScore.Bin> bins(double skew) {
        List<ModelScore.Bin> out = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            double lo = i / 5.0;
            double conf = lo + 0.1;
            out.add(
                    new ModelScore.Bin(
                            lo, lo + 0.2, 10L * (i + 1) * (i + 1), conf, Math.max(0, conf - skew)));
        }
        return out;
    }

    static List<ReliabilityBin> avroBins(double skew) {
        return bins(skew).stream()
                .map(
                        b ->
                                ReliabilityBin.newBuilder()
                                        .setLower(b.lower())
                                        .setUpper(b.upper())
                                        .setCount(b.count())
                                        .setConfidence(b.meanConfidence())
                                        .setAccuracy(b.accuracy())
                                        .build())
                .toList();
    }

    static EvalReport report(
            String runId,
            long version,
            double rouge,
            double std,
            double em,
            Double ece,
            double tokenEce,
            Double rkl,
            Double exAccErr,
            Map<String, Double> train) {
        return EvalReport.newBuilder()
                .setRunId(runId)
                .setVersion(version)
                .setDataset("suite/test")
                .setSamples(200)
                .setSeeds(List.of(10L, 20L, 30L))
                .setRougeL(rouge)
                .setRougeLStd(std)
                .setExactMatch(em)
                .setEce(ece)
                .setTokenEce(tokenEce)
                .setReliability(avroBins(0.05 * version))
                .setMeanLength(14.5)
                .setDistinct4(0.8)
                .setRklToTeacher(rkl)
                .setFklToTeacher(rkl == null ? null : rkl * 1.2)
                .setCreatedAt(Instant.parse("2025-01-01T00:00:00Z").plusSeconds(60 * version))
                .setExAccErr(exAccErr)
                .setTrainMetrics(train)
                .build();
    }

    static Map<String, Double> minillmTrain(long seed, long v) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("loss", 3.0 - 0.3 * v + 0.2 * seed);
        m.put("pg", 1.5 - 0.2 * v * seed);
        m.put("reg", 0.4 + 0.01 * v);
        m.put("pt", 2.0 - 0.1 * v);
        m.put("grad_norm", 1.0 + 0.1 * v);
        m.put("rollouts", 64.0);
        m.put("response_tokens_per_second", 1234.5);
        return m;
    }

    static Map<String, Double> kdTrain(long v) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("loss", 2.5 - 0.2 * v);
        m.put("fkl", v == 4 ? Double.NaN : 0.9 - 0.05 * v);
        m.put("jsd", Double.NaN);
        m.put("grad_norm", 0.8);
        return m;
    }

    static RunSeries minillm(
            String runId,
            long seed,
            double[] rouge,
            double std,
            double[] em,
            double[] ece,
            double[] tokenEce,
            double[] rkl,
            double[] exAcc) {
        List<EvalReport> reports = new ArrayList<>();
        for (int i = 0; i < rouge.length; i++) {
            long v = i + 1;
            reports.add(
                    report(
                            runId,
                            v,
                            rouge[i],
                            std,
                            em[i],
                            ece[i],
                            tokenEce[i],
                            rkl[i],
                            exAcc[i],
                            minillmTrain(seed, v)));
        }
        return new RunSeries(runId, Objective.MINILLM, seed, reports);
    }

    static DemoResults demo() {
        RunSeries m1 =
                minillm(
                        "mini-s1",
                        1,
                        new double[] {21.0, 23.5, 24.25, 24.0},
                        0.3,
                        new double[] {0.05, 0.08, 0.10, 0.09},
                        new double[] {0.20, 0.15, 0.12, 0.11},
                        new double[] {0.090, 0.070, 0.060, 0.065},
                        new double[] {0.90, 0.70, 0.60, 0.56},
                        new double[] {12.0, 10.0, 8.5, 8.0});
        RunSeries m2 =
                minillm(
                        EVIL_RUN,
                        2,
                        new double[] {20.5, 22.0, 23.0, 25.5},
                        0.4,
                        new double[] {0.04, 0.06, 0.07, 0.11},
                        new double[] {0.22, 0.18, 0.14, 0.13},
                        new double[] {0.095, 0.080, 0.070, 0.061},
                        new double[] {0.95, 0.80, 0.65, 0.50},
                        new double[] {13.0, 11.0, 9.0, 7.0});
        // kd measures neither option ECE, reverse KL nor ExAccErr, and its last token ECE is NaN.
        RunSeries kd =
                new RunSeries(
                        "kd-s1",
                        Objective.KD,
                        1,
                        List.of(
                                report(
                                        "kd-s1",
                                        2,
                                        19.0,
                                        0.5,
                                        0.03,
                                        null,
                                        0.050,
                                        null,
                                        null,
                                        kdTrain(2)),
                                report(
                                        "kd-s1",
                                        4,
                                        21.5,
                                        0.5,
                                        0.05,
                                        null,
                                        0.045,
                                        null,
                                        null,
                                        kdTrain(4)),
                                report(
                                        "kd-s1",
                                        6,
                                        21.0,
                                        0.5,
                                        0.04,
                                        null,
                                        Double.NaN,
                                        null,
                                        null,
                                        kdTrain(6))));
        ModelScore teacher =
                new ModelScore("teacher-6x288", 31.24, 0.5, 0.12, 0.041, 0.08, null, bins(0.02));
        ModelScore sft =
                new ModelScore("sft-2x128", 20.1, 0.6, 0.05, 0.062, null, 0.75, bins(0.15));
        return new DemoResults(
                "suite test split, first 200 items",
                Instant.parse("2025-01-02T03:04:05Z"),
                teacher,
                sft,
                List.of(m1, m2, kd),
                List.of("3 evaluator seeds", "notes <b>escaped</b> & kept"));
    }

    static List<List<String>> expectedSummary() {
        double mean = (24.0 + 25.5) / 2;
        double std =
                Math.sqrt(
                        ((24.0 - mean) * (24.0 - mean) + (25.5 - mean) * (25.5 - mean)) / (2 - 1));
        String seedMean = String.format(Locale.ROOT, "%.2f ± %.2f", mean, std);
        assertEquals("24.75 ± 1.06", seedMean);
        return List.of(
                List.of(
                        "teacher",
                        "teacher-6x288",
                        "31.24 ± 0.50",
                        "12.0%",
                        "0.041",
                        "0.080",
                        "–",
                        "–"),
                List.of(
                        "SFT student",
                        "sft-2x128",
                        "20.10 ± 0.60",
                        "5.0%",
                        "0.062",
                        "–",
                        "0.750",
                        "–"),
                List.of(
                        "minillm seed 1",
                        "v4 final",
                        "24.00 ± 0.30",
                        "9.0%",
                        "0.065",
                        "0.110",
                        "0.560",
                        "8.0%"),
                List.of(
                        "minillm seed 2",
                        "v4 final",
                        "25.50 ± 0.40",
                        "11.0%",
                        "0.061",
                        "0.130",
                        "0.500",
                        "7.0%"),
                List.of(
                        "minillm",
                        "final, mean ± std over 2 seeds",
                        seedMean,
                        "10.0%",
                        "0.063",
                        "0.120",
                        "0.530",
                        "7.5%"),
                List.of("kd seed 1", "v6 final", "21.00 ± 0.50", "4.0%", "–", "–", "–", "–"));
    }

    // ---- helpers
    // ----------------------------------------------------------------------------------------------

    /** The cells of each body row of the first table with this class, unescaped. */
    static List<List<String>> tableRows(String html, String tableClass) {
        int start = html.indexOf("<table class=\"" + tableClass + "\">");
        assertTrue(start >= 0, "no table of class " + tableClass);
        String body =
                html.substring(html.indexOf("<tbody>", start), html.indexOf("</tbody>", start));
        List<List<String>> rows = new ArrayList<>();
        Matcher tr = Pattern.compile("<tr[^>]*>(.*?)</tr>", Pattern.DOTALL).matcher(body);
        while (tr.find()) {
            List<String> cells = new ArrayList<>();
            Matcher td =
                    Pattern.compile("<td[^>]*>(.*?)</td>", Pattern.DOTALL).matcher(tr.group(1));
            while (td.find()) {
                cells.add(
                        td.group(1)
                                .replace("&lt;", "<")
                                .replace("&gt;", ">")
                                .replace("&quot;", "\"")
                                .replace("&#39;", "'")
                                .replace("&#61;", "=")
                                .replace("&amp;", "&"));
            }
            rows.add(cells);
        }
        return rows;
    }

    /** The console table's rows below its header rule, split on the two-space column gaps. */
    static List<List<String>> textRows(String table) {
        List<String> lines = table.lines().toList();
        assertTrue(lines.get(1).matches("-+"), "second line is not the header rule:\n" + table);
        assertEquals(SummaryRow.HEADERS, Arrays.asList(lines.get(0).strip().split("\\s{2,}")));
        return lines.subList(2, lines.size()).stream()
                .map(l -> Arrays.asList(l.strip().split("\\s{2,}")))
                .toList();
    }

    // ---- tests
    // ------------------------------------------------------------------------------------------------

    @Test
    void writesFourChartsOfFixedSizeNextToTheReport() throws IOException {
        Path html = ReportWriter.write(demo(), dir);
        assertEquals(dir.resolve("report.html"), html);
        Pixels.png(dir.resolve("rouge-l.png"), LineChartFactory.WIDTH, LineChartFactory.HEIGHT);
        Pixels.png(dir.resolve("ece.png"), LineChartFactory.WIDTH, LineChartFactory.HEIGHT);
        Pixels.png(dir.resolve("losses.png"), GridChartFactory.WIDTH, GridChartFactory.HEIGHT);
        Pixels.png(
                dir.resolve("reliability.png"),
                ReliabilityChartFactory.WIDTH,
                ReliabilityChartFactory.HEIGHT);
        String page = Files.readString(html, StandardCharsets.UTF_8);
        for (String img : List.of("rouge-l.png", "ece.png", "losses.png", "reliability.png")) {
            assertTrue(page.contains("<img src=\"" + img + "\""), "report does not show " + img);
        }
        assertFalse(
                page.contains("http://") || page.contains("https://") || page.contains("<script"),
                "report must be self-contained and script-free");
    }

    @Test
    void everyChartDrawsEveryRunAndTheReferences() throws IOException {
        ReportWriter.write(demo(), dir);
        BufferedImage rouge =
                Pixels.png(
                        dir.resolve("rouge-l.png"),
                        LineChartFactory.WIDTH,
                        LineChartFactory.HEIGHT);
        BufferedImage ece =
                Pixels.png(dir.resolve("ece.png"), LineChartFactory.WIDTH, LineChartFactory.HEIGHT);
        BufferedImage losses =
                Pixels.png(
                        dir.resolve("losses.png"), GridChartFactory.WIDTH, GridChartFactory.HEIGHT);
        // One colour per objective: minillm (two seeds) and kd.
        for (int objective = 0; objective < 2; objective++) {
            Color c = ChartPalette.run(objective);
            assertTrue(
                    count(rouge, c) > DRAWN,
                    "rouge-l.png: objective " + objective + ": " + count(rouge, c));
            assertTrue(
                    count(ece, c) > DRAWN,
                    "ece.png: objective " + objective + ": " + count(ece, c));
            assertTrue(
                    count(losses, c) > DRAWN,
                    "losses.png: objective " + objective + ": " + count(losses, c));
        }
        assertTrue(
                count(rouge, ChartPalette.run(2)) < DRAWN / 3,
                "only two objectives, so no third colour");
        for (Color ref : List.of(ChartPalette.TEACHER, ChartPalette.SFT)) {
            assertTrue(
                    count(rouge, ref) > DRAWN, "rouge-l.png: reference line " + ref + " missing");
            assertTrue(count(ece, ref) > DRAWN, "ece.png: reference line " + ref + " missing");
        }
        BufferedImage rel =
                Pixels.png(
                        dir.resolve("reliability.png"),
                        ReliabilityChartFactory.WIDTH,
                        ReliabilityChartFactory.HEIGHT);
        for (Color c : List.of(ChartPalette.run(0), ChartPalette.SFT, ChartPalette.TEACHER)) {
            assertTrue(
                    count(rel, c) > DRAWN,
                    "reliability.png: diagram in " + c + ": " + count(rel, c));
        }
    }

    @Test
    void runsOfOneObjectiveShareAColourAndDifferInLineStyle() {
        List<RunSeries> runs = demo().runs(); // minillm seed 1, minillm seed 2, kd seed 1
        assertEquals(ReportRuns.color(runs, 0), ReportRuns.color(runs, 1));
        assertNotEquals(ReportRuns.color(runs, 0), ReportRuns.color(runs, 2));
        assertEquals(LineStyle.SOLID, ReportRuns.style(runs, 0));
        assertEquals(LineStyle.DASHED, ReportRuns.style(runs, 1));
        assertEquals(LineStyle.SOLID, ReportRuns.style(runs, 2));
    }

    @Test
    void summaryHasARowPerModelCheckpoint() throws IOException {
        String html = Files.readString(ReportWriter.write(demo(), dir), StandardCharsets.UTF_8);
        assertEquals(expectedSummary(), tableRows(html, "summary"));
    }

    @Test
    void summaryShowsMeanAndSpreadOverSeeds() {
        List<SummaryRow> rows = SummaryTable.rows(demo());
        List<SummaryRow> means =
                rows.stream().filter(r -> r.kind() == SummaryRow.Kind.SEED_MEAN).toList();
        assertEquals(1, means.size(), "kd has one run, so only minillm gets a mean over seeds");
        SummaryRow m = means.get(0);
        assertEquals("minillm", m.model());
        assertEquals((24.0 + 25.5) / 2, m.rougeL(), 1e-12);
        assertEquals(Math.abs(25.5 - 24.0) / Math.sqrt(2), m.rougeLStd(), 1e-12);
        assertEquals(0.10, m.exactMatch(), 1e-12);
    }

    @Test
    void consoleTableHasTheSameRowsAsTheReport() throws IOException {
        DemoResults demo = demo();
        String html = Files.readString(ReportWriter.write(demo, dir), StandardCharsets.UTF_8);
        String text = SummaryTable.text(demo);
        assertEquals(tableRows(html, "summary"), textRows(text), text);
    }

    @Test
    void missingValuesPrintAsDashNeverNaN() throws IOException {
        DemoResults demo = demo();
        String html = Files.readString(ReportWriter.write(demo, dir), StandardCharsets.UTF_8);
        String text = SummaryTable.text(demo);
        for (String out : List.of(html, text)) {
            assertFalse(out.contains("NaN"), out);
            assertFalse(out.contains("null"), out);
        }
        List<List<String>> kd =
                tableRows(html.substring(html.indexOf("kd seed 1 <small>")), "checkpoints");
        assertEquals(
                List.of(
                        "v6",
                        "21.00 ± 0.50",
                        "4.0%",
                        "–",
                        "–",
                        "–",
                        "–",
                        "1.3000",
                        "0.6000",
                        "0.8000",
                        "–"),
                kd.get(2),
                "columns: version, metrics, then loss, fkl, grad_norm, jsd");
    }

    @Test
    void escapesRunIdsAndNotes() throws IOException {
        String html = Files.readString(ReportWriter.write(demo(), dir), StandardCharsets.UTF_8);
        assertFalse(html.contains("<script"), "run id was not escaped");
        assertTrue(
                html.contains("mini-s2&lt;script&gt;alert(1)&lt;/script&gt;"),
                "escaped run id missing");
        assertTrue(
                html.contains("notes &lt;b&gt;escaped&lt;/b&gt; &amp; kept"),
                "escaped note missing");
        assertTrue(
                html.contains("suite test split, first 200 items")
                        && html.contains("2025-01-02 03:04:05 UTC"));
    }

    @Test
    void chartsLossTermsButNotBookkeepingOrAllNaNKeys() {
        assertEquals(
                List.of("loss", "fkl", "grad_norm", "pg", "pt", "reg"),
                ReportRuns.lossKeys(demo().runs()));
    }

    @Test
    void reportWithoutRunsOrReferenceModelsStillRenders() throws IOException {
        DemoResults none = new DemoResults("empty", null, null, null, List.of(), List.of());
        String html = Files.readString(ReportWriter.write(none, dir), StandardCharsets.UTF_8);
        assertTrue(html.contains("No distillation run."));
        assertEquals(List.of(), tableRows(html, "summary"));
        Pixels.png(dir.resolve("losses.png"), GridChartFactory.WIDTH, GridChartFactory.HEIGHT);
        assertEquals(2, SummaryTable.text(none).lines().count(), "header and rule only");
    }

    @Test
    void reportHasEverySectionInOrderAndEachFigureAtItsPngSize() throws IOException {
        String html = Files.readString(ReportWriter.write(demo(), dir), StandardCharsets.UTF_8);
        int at = -1;
        for (String section :
                List.of(
                        "<h1>distill demo</h1>",
                        "<p class=\"meta\">Dataset: ",
                        "<h2>Summary</h2>",
                        "<table class=\"summary\">",
                        "<h2>Charts</h2>",
                        "<h2>Checkpoints</h2>",
                        "minillm seed 1 <small>",
                        "minillm seed 2 <small>",
                        "kd seed 1 <small>",
                        "<h2>Notes</h2>",
                        "<li>3 evaluator seeds</li>")) {
            int next = html.indexOf(section, at + 1);
            assertTrue(next > at, section + " missing or out of order");
            at = next;
        }
        assertEquals(
                3, html.split("<table class=\"checkpoints\">", -1).length - 1, "one table per run");
        Matcher img =
                Pattern.compile("<img src=\"([^\"]+)\" width=\"(\\d+)\" height=\"(\\d+)\"")
                        .matcher(html);
        int figures = 0;
        while (img.find()) {
            Pixels.png(
                    dir.resolve(img.group(1)),
                    Integer.parseInt(img.group(2)),
                    Integer.parseInt(img.group(3)));
            figures++;
        }
        assertEquals(4, figures);
    }

    @Test
    void templateEscapesEveryValueItShows() {
        String evil = "<b title='x'>\"A&B\"</b>";
        ReportView.Row row =
                new ReportView.Row(
                        "reference",
                        List.of(new ReportView.Cell(evil, false), new ReportView.Cell(evil, true)));
        ReportView view =
                new ReportView(
                        evil,
                        evil,
                        List.of(evil),
                        List.of(row),
                        List.of(new ReportView.Image(evil, 10, 20, evil)),
                        List.of(
                                new ReportView.Run(
                                        evil,
                                        evil,
                                        "#000000",
                                        new ReportView.Table(List.of(evil), List.of(row))),
                                new ReportView.Run(evil, evil, "#000000", null)),
                        List.of(evil));
        String html = ReportWriter.render(view);
        assertFalse(html.contains("<b title") || html.contains("</b>"), html);
        String escaped = "&lt;b title&#61;&#39;x&#39;&gt;&quot;A&amp;B&quot;&lt;/b&gt;";
        // dataset, finished, header, 2 summary cells, img src, alt, caption (8); the first run's
        // label, id, table header and 2 cells (5); the second run's label and id (2); the note (1).
        assertEquals(16, html.split(java.util.regex.Pattern.quote(escaped), -1).length - 1, html);
        assertTrue(
                html.contains("No checkpoint of this run was scored."), "run without checkpoints");
    }
}
