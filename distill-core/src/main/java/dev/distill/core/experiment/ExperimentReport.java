package dev.distill.core.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.distill.core.data.HeldOutItem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The experiment's tables from what the runs wrote: per arm the test scores over its training runs,
 * MiniLLM minus every other arm with paired bootstrap intervals under both decodings, and Rouge-L
 * by reference length (the paper's Figure 3). Only finished runs count; the report says how many
 * each arm has.
 */
public final class ExperimentReport {
    private ExperimentReport() {}

    /** Reference-answer lengths in words, inclusive ranges. */
    public static final int[][] LENGTH_BUCKETS = {{1, 1}, {2, 4}, {5, 6}, {7, Integer.MAX_VALUE}};

    public static Path write(
            Path outDir, List<Arm> arms, long[] seeds, List<HeldOutItem> test, ObjectMapper json)
            throws IOException {
        Map<String, List<TestScores>> byArm = new LinkedHashMap<>();
        Map<String, List<ArmRun.Result>> runs = new LinkedHashMap<>();
        for (Finished f : finished(outDir, arms, seeds, json)) {
            byArm.put(f.arm().name(), f.scores());
            runs.put(f.arm().name(), f.runs());
        }
        TestScores teacher =
                json.readValue(outDir.resolve("test/teacher.json").toFile(), TestScores.class);
        TestScores init =
                json.readValue(outDir.resolve("test/sft-init.json").toFile(), TestScores.class);
        StringBuilder md = new StringBuilder("# MiniLLM against fair baselines\n\n");
        md.append(
                String.format(
                        Locale.ROOT,
                        "%d test items; paper protocol = temperature 1, no-repeat-ngram 6, mean"
                                + " over sampling seeds; greedy = argmax. Each arm: the checkpoint"
                                + " chosen on the validation split (mean of greedy and one sampled"
                                + " pass), mean ± standard deviation over its training runs.%n%n",
                        test.size()));
        md.append(
                "| model | runs | paper Rouge-L | greedy Rouge-L | reverse KL to teacher | token"
                        + " ECE | option ECE | distinct-4 | mean length | chosen versions |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|\n");
        md.append(row("teacher", List.of(teacher), null));
        md.append(row("SFT student (start)", List.of(init), null));
        for (Map.Entry<String, List<TestScores>> e : byArm.entrySet()) {
            md.append(row(e.getKey(), e.getValue(), runs.get(e.getKey())));
        }
        List<double[]> minillmPaper = perRun(byArm.get(Arm.MINILLM.name()), TestScores::paper);
        List<double[]> minillmGreedy = perRun(byArm.get(Arm.MINILLM.name()), TestScores::greedy);
        Map<String, Object> intervals = new LinkedHashMap<>();
        if (minillmPaper != null) {
            md.append(
                    "\n"
                            + "## MiniLLM minus each arm, paired over test items (95% bootstrap"
                            + " interval, items and training runs resampled)\n\n");
            md.append(
                    "| arm | paper: difference [95% interval] | greedy: difference [95% interval]"
                            + " |\n"
                            + "|---|---|---|\n");
            List<String> others = new ArrayList<>(byArm.keySet());
            others.remove(Arm.MINILLM.name());
            for (String other : others) {
                PairedBootstrap.Interval p =
                        PairedBootstrap.of(
                                minillmPaper,
                                perRun(byArm.get(other), TestScores::paper),
                                10_000,
                                7);
                PairedBootstrap.Interval g =
                        PairedBootstrap.of(
                                minillmGreedy,
                                perRun(byArm.get(other), TestScores::greedy),
                                10_000,
                                8);
                md.append(
                        String.format(
                                Locale.ROOT,
                                "| %s | %+.2f [%+.2f, %+.2f] | %+.2f [%+.2f, %+.2f] |%n",
                                other,
                                p.difference(),
                                p.low(),
                                p.high(),
                                g.difference(),
                                g.low(),
                                g.high()));
                intervals.put(other, Map.of("paper", p, "greedy", g));
            }
            PairedBootstrap.Interval p =
                    PairedBootstrap.of(minillmPaper, List.of(init.paper()), 10_000, 9);
            PairedBootstrap.Interval g =
                    PairedBootstrap.of(minillmGreedy, List.of(init.greedy()), 10_000, 10);
            md.append(
                    String.format(
                            Locale.ROOT,
                            "| SFT student (start, untrained) | %+.2f [%+.2f, %+.2f] | %+.2f"
                                    + " [%+.2f, %+.2f] |%n",
                            p.difference(),
                            p.low(),
                            p.high(),
                            g.difference(),
                            g.low(),
                            g.high()));
            intervals.put("sft-init", Map.of("paper", p, "greedy", g));
        }
        md.append(
                "\n"
                    + "## Rouge-L (paper protocol) by the length of the reference answer, in words"
                    + " (the paper's Figure 3)\n\n");
        md.append("| model |");
        for (int[] b : LENGTH_BUCKETS) {
            md.append(
                            b[1] == Integer.MAX_VALUE
                                    ? " >= " + b[0]
                                    : b[0] == b[1] ? " " + b[0] : " " + b[0] + "-" + b[1])
                    .append(" (")
                    .append(count(test, b))
                    .append(" items) |");
        }
        md.append("\n|---|").append("---|".repeat(LENGTH_BUCKETS.length)).append('\n');
        md.append(bucketRow("teacher", List.of(teacher.paper()), test));
        md.append(bucketRow("SFT student (start)", List.of(init.paper()), test));
        for (Map.Entry<String, List<TestScores>> e : byArm.entrySet()) {
            md.append(bucketRow(e.getKey(), perRun(e.getValue(), TestScores::paper), test));
        }
        md.append(
                "\n"
                        + "## Rouge-L (paper protocol) by task family\n\n"
                        + "| family | items | teacher | SFT student (start) |");
        byArm.keySet().forEach(a -> md.append(' ').append(a).append(" |"));
        md.append("\n|---|---|---|---|").append("---|".repeat(byArm.size())).append('\n');
        for (String family :
                new java.util.TreeSet<>(test.stream().map(ExperimentReport::family).toList())) {
            md.append("| ")
                    .append(family)
                    .append(" | ")
                    .append(test.stream().filter(it -> family(it).equals(family)).count())
                    .append(" |")
                    .append(familyCell(List.of(teacher.paper()), test, family))
                    .append(familyCell(List.of(init.paper()), test, family));
            for (List<TestScores> runsOfArm : byArm.values()) {
                md.append(familyCell(perRun(runsOfArm, TestScores::paper), test, family));
            }
            md.append('\n');
        }
        md.append(
                "\n"
                    + "## ExAccErr against the teacher (%, the paper's exposure-bias measure) by"
                    + " generation steps l\n\n"
                    + "| model |");
        for (int l : TestScores.EX_ACC_ERR_STEPS) {
            md.append(" l = ").append(l).append(" |");
        }
        md.append("\n|---|").append("---|".repeat(TestScores.EX_ACC_ERR_STEPS.length)).append('\n');
        md.append(exAccErrRow("SFT student (start)", List.of(init)));
        for (Map.Entry<String, List<TestScores>> e : byArm.entrySet()) {
            md.append(exAccErrRow(e.getKey(), e.getValue()));
        }
        Path report = outDir.resolve("report.md");
        Files.writeString(report, md.toString());
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("intervals", intervals);
        all.put("arms", byArm.keySet());
        json.writeValue(outDir.resolve("intervals.json").toFile(), all);
        return report;
    }

    /** The finished runs of one arm (trained and scored on the test items), in seed order. */
    public record Finished(Arm arm, List<ArmRun.Result> runs, List<TestScores> scores) {}

    /** Every arm with at least one finished run, in the order given. */
    public static List<Finished> finished(
            Path outDir, List<Arm> arms, long[] seeds, ObjectMapper json) throws IOException {
        List<Finished> out = new ArrayList<>();
        for (Arm arm : arms) {
            List<TestScores> scores = new ArrayList<>();
            List<ArmRun.Result> results = new ArrayList<>();
            for (long seed : seeds) {
                Path t = outDir.resolve("test").resolve(arm.name() + "-s" + seed + ".json");
                Path r =
                        outDir.resolve("runs")
                                .resolve(arm.name() + "-s" + seed)
                                .resolve("result.json");
                if (Files.isRegularFile(t) && Files.isRegularFile(r)) {
                    scores.add(json.readValue(t.toFile(), TestScores.class));
                    results.add(json.readValue(r.toFile(), ArmRun.Result.class));
                }
            }
            if (!scores.isEmpty()) {
                out.add(new Finished(arm, results, scores));
            }
        }
        return out;
    }

    private static List<double[]> perRun(
            List<TestScores> scores, Function<TestScores, double[]> f) {
        return scores == null ? null : scores.stream().map(f).toList();
    }

    private static String row(String name, List<TestScores> s, List<ArmRun.Result> runs) {
        return String.format(
                Locale.ROOT,
                "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                name,
                s.size(),
                meanStd(s, TestScores::paperMean),
                meanStd(s, TestScores::greedyMean),
                meanStd(s, x -> x.reverseKl() == null ? Double.NaN : x.reverseKl()),
                meanStd(s, TestScores::tokenEce),
                meanStd(s, x -> x.optionEce() == null ? Double.NaN : x.optionEce()),
                meanStd(s, TestScores::distinct4),
                meanStd(s, TestScores::meanLength),
                runs == null
                        ? ""
                        : String.join(
                                ", ", runs.stream().map(r -> "v" + r.chosenVersion()).toList()));
    }

    private static String meanStd(
            List<TestScores> s, java.util.function.ToDoubleFunction<TestScores> f) {
        double[] v = s.stream().mapToDouble(f).toArray();
        if (Double.isNaN(v[0])) {
            return "-";
        }
        double m = java.util.Arrays.stream(v).average().orElse(Double.NaN);
        if (v.length == 1) {
            return String.format(Locale.ROOT, Math.abs(m) < 1 ? "%.3f" : "%.2f", m);
        }
        double var = java.util.Arrays.stream(v).map(x -> (x - m) * (x - m)).sum() / (v.length - 1);
        return String.format(Locale.ROOT, "%.2f ± %.2f", m, Math.sqrt(var));
    }

    private static String exAccErrRow(String name, List<TestScores> runs) {
        StringBuilder b = new StringBuilder("| " + name + " |");
        for (int i = 0; i < TestScores.EX_ACC_ERR_STEPS.length; i++) {
            int k = i;
            double[] v =
                    runs.stream()
                            .filter(r -> r.exAccErr() != null)
                            .mapToDouble(r -> r.exAccErr()[k])
                            .toArray();
            b.append(
                    v.length == 0
                            ? " - |"
                            : String.format(
                                    Locale.ROOT,
                                    " %.1f |",
                                    java.util.Arrays.stream(v).average().orElse(0)));
        }
        return b.append('\n').toString();
    }

    /** The task family: the part of the item id before the first '/' (the bundled suite's ids). */
    private static String family(HeldOutItem it) {
        int slash = it.id().indexOf('/');
        return slash < 0 ? "all" : it.id().substring(0, slash);
    }

    private static String familyCell(List<double[]> runs, List<HeldOutItem> test, String family) {
        double s = 0;
        long n = 0;
        for (double[] run : runs) {
            for (int i = 0; i < test.size(); i++) {
                if (family(test.get(i)).equals(family)) {
                    s += run[i];
                    n++;
                }
            }
        }
        return String.format(Locale.ROOT, " %.1f |", s / n);
    }

    private static int words(HeldOutItem it) {
        String r = it.references().get(0).strip();
        return r.isEmpty() ? 0 : r.split("\\s+").length;
    }

    private static long count(List<HeldOutItem> test, int[] b) {
        return test.stream().filter(it -> words(it) >= b[0] && words(it) <= b[1]).count();
    }

    private static String bucketRow(String name, List<double[]> runs, List<HeldOutItem> test) {
        StringBuilder b = new StringBuilder("| " + name + " |");
        for (int[] bucket : LENGTH_BUCKETS) {
            double m = bucketMean(runs, test, bucket);
            b.append(Double.isNaN(m) ? " - |" : String.format(Locale.ROOT, " %.2f |", m));
        }
        return b.append('\n').toString();
    }

    /**
     * Mean score over the runs' items whose first reference has a length in {@code bucket}; NaN
     * when none.
     */
    public static double bucketMean(List<double[]> runs, List<HeldOutItem> test, int[] bucket) {
        double s = 0;
        long n = 0;
        for (double[] run : runs) {
            for (int i = 0; i < test.size(); i++) {
                int w = words(test.get(i));
                if (w >= bucket[0] && w <= bucket[1]) {
                    s += run[i];
                    n++;
                }
            }
        }
        return n == 0 ? Double.NaN : s / n;
    }
}
