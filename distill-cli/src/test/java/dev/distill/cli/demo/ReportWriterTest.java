package dev.distill.cli.demo;

import dev.distill.schemas.avro.EvalReport;
import dev.distill.schemas.avro.ReliabilityBin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportWriterTest {
    /**
     * Pixels of exactly a series' colour that prove it was drawn: a line across a plot leaves well over a thousand,
     * while its legend swatch alone leaves under a hundred (checked by {@link #legendAloneStaysUnderTheDrawnThreshold}).
     */
    static final int DRAWN = 300;
    static final String EVIL_RUN = "mini-s2<script>alert(1)</script>";

    @TempDir
    Path dir;

    // ---- synthetic demo ---------------------------------------------------------------------------------------

    static List<ModelScore.Bin> bins(double skew) {
        List<ModelScore.Bin> out = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            double lo = i / 5.0;
            double conf = lo + 0.1;
            out.add(new ModelScore.Bin(lo, lo + 0.2, 10L * (i + 1) * (i + 1), conf, Math.max(0, conf - skew)));
        }
        return out;
    }

    static List<ReliabilityBin> avroBins(double skew) {
        return bins(skew).stream().map(b -> ReliabilityBin.newBuilder().setLower(b.lower()).setUpper(b.upper())
                .setCount(b.count()).setConfidence(b.meanConfidence()).setAccuracy(b.accuracy()).build()).toList();
    }

    static EvalReport report(String runId, long version, double rouge, double std, double em, Double ece, double tokenEce,
                             Double rkl, Double exAccErr, Map<String, Double> train) {
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

    static RunSeries minillm(String runId, long seed, double[] rouge, double std, double[] em, double[] ece,
                             double[] tokenEce, double[] rkl, double[] exAcc) {
        List<EvalReport> reports = new ArrayList<>();
        for (int i = 0; i < rouge.length; i++) {
            long v = i + 1;
            reports.add(report(runId, v, rouge[i], std, em[i], ece[i], tokenEce[i], rkl[i], exAcc[i], minillmTrain(seed, v)));
        }
        return new RunSeries(runId, "minillm", seed, reports);
    }

    static DemoResults demo() {
        RunSeries m1 = minillm("mini-s1", 1, new double[] {21.0, 23.5, 24.25, 24.0}, 0.3,
                new double[] {0.05, 0.08, 0.10, 0.09}, new double[] {0.20, 0.15, 0.12, 0.11},
                new double[] {0.090, 0.070, 0.060, 0.065}, new double[] {0.90, 0.70, 0.60, 0.56},
                new double[] {12.0, 10.0, 8.5, 8.0});
        RunSeries m2 = minillm(EVIL_RUN, 2, new double[] {20.5, 22.0, 23.0, 25.5}, 0.4,
                new double[] {0.04, 0.06, 0.07, 0.11}, new double[] {0.22, 0.18, 0.14, 0.13},
                new double[] {0.095, 0.080, 0.070, 0.061}, new double[] {0.95, 0.80, 0.65, 0.50},
                new double[] {13.0, 11.0, 9.0, 7.0});
        // kd measures neither option ECE, reverse KL nor ExAccErr, and its last token ECE is NaN.
        RunSeries kd = new RunSeries("kd-s1", "kd", 1, List.of(
                report("kd-s1", 2, 19.0, 0.5, 0.03, null, 0.050, null, null, kdTrain(2)),
                report("kd-s1", 4, 21.5, 0.5, 0.05, null, 0.045, null, null, kdTrain(4)),
                report("kd-s1", 6, 21.0, 0.5, 0.04, null, Double.NaN, null, null, kdTrain(6))));
        ModelScore teacher = new ModelScore("teacher-6x288", 31.24, 0.5, 0.12, 0.041, 0.08, null, bins(0.02));
        ModelScore sft = new ModelScore("sft-2x128", 20.1, 0.6, 0.05, 0.062, null, 0.75, bins(0.15));
        return new DemoResults("suite test split, first 200 items", Instant.parse("2025-01-02T03:04:05Z"), teacher, sft,
                List.of(m1, m2, kd), List.of("3 evaluator seeds", "notes <b>escaped</b> & kept"));
    }

    static List<List<String>> expectedSummary() {
        double mean = (24.0 + 25.5) / 2;
        double std = Math.sqrt(((24.0 - mean) * (24.0 - mean) + (25.5 - mean) * (25.5 - mean)) / (2 - 1));
        String seedMean = String.format(Locale.ROOT, "%.2f ± %.2f", mean, std);
        assertEquals("24.75 ± 1.06", seedMean);
        return List.of(
                List.of("teacher", "teacher-6x288", "31.24 ± 0.50", "12.0%", "0.041", "0.080", "–", "–"),
                List.of("SFT student", "sft-2x128", "20.10 ± 0.60", "5.0%", "0.062", "–", "0.750", "–"),
                List.of("minillm seed 1", "v4 final", "24.00 ± 0.30", "9.0%", "0.065", "0.110", "0.560", "8.0%"),
                List.of("minillm seed 2", "v4 final", "25.50 ± 0.40", "11.0%", "0.061", "0.130", "0.500", "7.0%"),
                List.of("minillm", "final, mean ± std over 2 seeds", seedMean, "10.0%", "0.063", "0.120", "0.530", "7.5%"),
                List.of("kd seed 1", "v6 final", "21.00 ± 0.50", "4.0%", "–", "–", "–", "–"));
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    static int pixels(BufferedImage img, Color c) {
        int rgb = c.getRGB() & 0xFFFFFF;
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if ((img.getRGB(x, y) & 0xFFFFFF) == rgb) {
                    n++;
                }
            }
        }
        return n;
    }

    static BufferedImage png(Path file, int width, int height) throws IOException {
        assertTrue(Files.isRegularFile(file), file + " was not written");
        BufferedImage img = ImageIO.read(file.toFile());
        assertNotNull(img, file + " does not decode as an image");
        assertEquals(width, img.getWidth(), file + " width");
        assertEquals(height, img.getHeight(), file + " height");
        return img;
    }

    /** The cells of each body row of the first table with this class, unescaped. */
    static List<List<String>> tableRows(String html, String tableClass) {
        int start = html.indexOf("<table class=\"" + tableClass + "\">");
        assertTrue(start >= 0, "no table of class " + tableClass);
        String body = html.substring(html.indexOf("<tbody>", start), html.indexOf("</tbody>", start));
        List<List<String>> rows = new ArrayList<>();
        Matcher tr = Pattern.compile("<tr[^>]*>(.*?)</tr>", Pattern.DOTALL).matcher(body);
        while (tr.find()) {
            List<String> cells = new ArrayList<>();
            Matcher td = Pattern.compile("<td[^>]*>(.*?)</td>", Pattern.DOTALL).matcher(tr.group(1));
            while (td.find()) {
                cells.add(td.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                        .replace("&#39;", "'").replace("&amp;", "&"));
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
        return lines.subList(2, lines.size()).stream().map(l -> Arrays.asList(l.strip().split("\\s{2,}"))).toList();
    }

    // ---- tests ------------------------------------------------------------------------------------------------

    @Test
    void writesFourChartsOfFixedSizeNextToTheReport() throws IOException {
        Path html = ReportWriter.write(demo(), dir);
        assertEquals(dir.resolve("report.html"), html);
        png(dir.resolve("rouge-l.png"), Charts.WIDTH, Charts.LINE_HEIGHT);
        png(dir.resolve("ece.png"), Charts.WIDTH, Charts.LINE_HEIGHT);
        png(dir.resolve("losses.png"), Charts.WIDTH, Charts.GRID_HEIGHT);
        png(dir.resolve("reliability.png"), Charts.WIDTH, Charts.RELIABILITY_HEIGHT);
        String page = Files.readString(html, StandardCharsets.UTF_8);
        for (String img : List.of("rouge-l.png", "ece.png", "losses.png", "reliability.png")) {
            assertTrue(page.contains("<img src=\"" + img + "\""), "report does not show " + img);
        }
        assertFalse(page.contains("http://") || page.contains("https://") || page.contains("<script"),
                "report must be self-contained and script-free");
    }

    @Test
    void everyChartDrawsEveryRunAndTheReferences() throws IOException {
        ReportWriter.write(demo(), dir);
        BufferedImage rouge = png(dir.resolve("rouge-l.png"), Charts.WIDTH, Charts.LINE_HEIGHT);
        BufferedImage ece = png(dir.resolve("ece.png"), Charts.WIDTH, Charts.LINE_HEIGHT);
        BufferedImage losses = png(dir.resolve("losses.png"), Charts.WIDTH, Charts.GRID_HEIGHT);
        // One colour per objective: minillm (two seeds) and kd.
        for (int objective = 0; objective < 2; objective++) {
            Color c = Charts.PALETTE.get(objective);
            assertTrue(pixels(rouge, c) > DRAWN, "rouge-l.png: objective " + objective + " has " + pixels(rouge, c) + " pixels");
            assertTrue(pixels(ece, c) > DRAWN, "ece.png: objective " + objective + " has " + pixels(ece, c) + " pixels");
            assertTrue(pixels(losses, c) > DRAWN, "losses.png: objective " + objective + " has " + pixels(losses, c) + " pixels");
        }
        assertTrue(pixels(rouge, Charts.PALETTE.get(2)) < DRAWN / 3, "only two objectives, so no third colour");
        for (Color ref : List.of(Charts.TEACHER, Charts.SFT)) {
            assertTrue(pixels(rouge, ref) > DRAWN, "rouge-l.png: reference line " + ref + " missing");
            assertTrue(pixels(ece, ref) > DRAWN, "ece.png: reference line " + ref + " missing");
        }
        BufferedImage rel = png(dir.resolve("reliability.png"), Charts.WIDTH, Charts.RELIABILITY_HEIGHT);
        for (Color c : List.of(Charts.PALETTE.get(0), Charts.SFT, Charts.TEACHER)) {
            assertTrue(pixels(rel, c) > DRAWN, "reliability.png: diagram in " + c + " has " + pixels(rel, c) + " pixels");
        }
    }

    @Test
    void runsOfOneObjectiveShareAColourAndDifferInLineStyle() {
        List<RunSeries> runs = demo().runs();   // minillm seed 1, minillm seed 2, kd seed 1
        assertEquals(ReportWriter.runColor(runs, 0), ReportWriter.runColor(runs, 1));
        assertNotEquals(ReportWriter.runColor(runs, 0), ReportWriter.runColor(runs, 2));
        assertEquals(Charts.LineStyle.SOLID, ReportWriter.runStyle(runs, 0));
        assertEquals(Charts.LineStyle.DASHED, ReportWriter.runStyle(runs, 1));
        assertEquals(Charts.LineStyle.SOLID, ReportWriter.runStyle(runs, 2));
    }

    @Test
    void legendAloneStaysUnderTheDrawnThreshold() {
        Color c = Charts.PALETTE.get(0);
        BufferedImage empty = Charts.lineChart(new Charts.Plot("t", "x", "y",
                List.of(new Charts.Series("nothing measured", c, Charts.LineStyle.SOLID, List.of())), List.of()));
        assertTrue(pixels(empty, c) < DRAWN / 3, "legend alone left " + pixels(empty, c) + " pixels");
    }

    @Test
    void degenerateSeriesRenderWithoutFailing() {
        Color c = Charts.PALETTE.get(1);
        List<Charts.Series> cases = List.of(
                new Charts.Series("one point", c, Charts.LineStyle.SOLID, List.of(new Charts.Point(3, 20.0, 0.5))),
                new Charts.Series("flat", c, Charts.LineStyle.SOLID,
                        List.of(new Charts.Point(1, 5, 0), new Charts.Point(2, 5, 0), new Charts.Point(3, 5, 0))),
                new Charts.Series("gaps", c, Charts.LineStyle.DASHED, List.of(Charts.Point.of(1, null),
                        Charts.Point.of(2, 0.3), Charts.Point.of(3, Double.NaN), Charts.Point.of(4, 0.2))),
                new Charts.Series("empty", c, Charts.LineStyle.SOLID, List.of()));
        for (Charts.Series s : cases) {
            BufferedImage legendOnly = Charts.lineChart(new Charts.Plot(s.name(), "x", "y",
                    List.of(new Charts.Series(s.name(), c, s.style(), List.of())), List.of()));
            BufferedImage img = Charts.lineChart(new Charts.Plot(s.name(), "x", "y", List.of(s),
                    List.of(new Charts.Reference("ref", 5, Charts.TEACHER, Charts.LineStyle.DASHED))));
            assertEquals(Charts.WIDTH, img.getWidth());
            assertEquals(Charts.LINE_HEIGHT, img.getHeight());
            if (!s.points().isEmpty()) {
                assertTrue(pixels(img, c) > pixels(legendOnly, c), s.name() + " drew nothing beyond its legend");
            }
        }
        BufferedImage grid = Charts.grid("none", "x", List.of());
        assertEquals(Charts.GRID_HEIGHT, grid.getHeight());
        BufferedImage rel = Charts.reliability("none", List.of(new Charts.Diagram("no bins", c, List.of())));
        assertEquals(Charts.RELIABILITY_HEIGHT, rel.getHeight());
    }

    @Test
    void summaryHasARowPerModelCheckpoint() throws IOException {
        String html = Files.readString(ReportWriter.write(demo(), dir), StandardCharsets.UTF_8);
        assertEquals(expectedSummary(), tableRows(html, "summary"));
    }

    @Test
    void summaryShowsMeanAndSpreadOverSeeds() {
        List<SummaryRow> rows = ReportWriter.summaryRows(demo());
        List<SummaryRow> means = rows.stream().filter(r -> r.kind() == SummaryRow.Kind.SEED_MEAN).toList();
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
        String text = ReportWriter.summaryTable(demo);
        assertEquals(tableRows(html, "summary"), textRows(text), text);
    }

    @Test
    void missingValuesPrintAsDashNeverNaN() throws IOException {
        DemoResults demo = demo();
        String html = Files.readString(ReportWriter.write(demo, dir), StandardCharsets.UTF_8);
        String text = ReportWriter.summaryTable(demo);
        for (String out : List.of(html, text)) {
            assertFalse(out.contains("NaN"), out);
            assertFalse(out.contains("null"), out);
        }
        List<List<String>> kd = tableRows(html.substring(html.indexOf("kd seed 1 <small>")), "checkpoints");
        assertEquals(List.of("v6", "21.00 ± 0.50", "4.0%", "–", "–", "–", "–", "1.3000", "0.6000", "0.8000", "–"), kd.get(2),
                "columns: version, metrics, then loss, fkl, grad_norm, jsd");
    }

    @Test
    void escapesRunIdsAndNotes() throws IOException {
        String html = Files.readString(ReportWriter.write(demo(), dir), StandardCharsets.UTF_8);
        assertFalse(html.contains("<script"), "run id was not escaped");
        assertTrue(html.contains("mini-s2&lt;script&gt;alert(1)&lt;/script&gt;"), "escaped run id missing");
        assertTrue(html.contains("notes &lt;b&gt;escaped&lt;/b&gt; &amp; kept"), "escaped note missing");
        assertTrue(html.contains("suite test split, first 200 items") && html.contains("2025-01-02 03:04:05 UTC"));
    }

    @Test
    void chartsLossTermsButNotBookkeepingOrAllNaNKeys() {
        assertEquals(List.of("loss", "fkl", "grad_norm", "pg", "pt", "reg"), ReportWriter.lossKeys(demo().runs()));
    }

    @Test
    void reportWithoutRunsOrReferenceModelsStillRenders() throws IOException {
        DemoResults none = new DemoResults("empty", null, null, null, List.of(), List.of());
        String html = Files.readString(ReportWriter.write(none, dir), StandardCharsets.UTF_8);
        assertTrue(html.contains("No distillation run."));
        assertEquals(List.of(), tableRows(html, "summary"));
        png(dir.resolve("losses.png"), Charts.WIDTH, Charts.GRID_HEIGHT);
        assertEquals(2, ReportWriter.summaryTable(none).lines().count(), "header and rule only");
    }
}
