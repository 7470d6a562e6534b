package dev.distill.cli.demo;

import dev.distill.schemas.avro.EvalReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One row of the demo's summary, as the HTML report and the console table both print it: both
 * format through {@link #cells()}, so they cannot disagree. A null or NaN value is "not measured"
 * and prints as {@link #MISSING}.
 *
 * @param model "teacher", "SFT student", a run's label, or an objective for a mean over seeds
 * @param checkpoint which checkpoint of the model, e.g. "v4 final"
 * @param rougeL Rouge-L F x100
 * @param rougeLStd its spread: over the evaluator's sampling seeds, or over training seeds in a
 *     {@link Kind#SEED_MEAN} row
 * @param exactMatch fraction of exact matches, printed as a percentage
 * @param exAccErr excess accumulated error, already a percentage
 */
public record SummaryRow(
        Kind kind,
        String model,
        String checkpoint,
        Double rougeL,
        Double rougeLStd,
        Double exactMatch,
        Double tokenEce,
        Double optionEce,
        Double rklToTeacher,
        Double exAccErr) {

    public enum Kind {
        REFERENCE,
        CHECKPOINT,
        SEED_MEAN
    }

    public SummaryRow {
        if (kind == null) {
            throw new IllegalArgumentException("summary row of model '" + model + "' has no kind");
        }
        model = model == null ? MISSING : model;
        checkpoint = checkpoint == null ? MISSING : checkpoint;
    }

    public static final String MISSING = "–";
    public static final List<String> METRIC_HEADERS =
            List.of(
                    "Rouge-L",
                    "exact match",
                    "token ECE",
                    "option ECE",
                    "reverse KL to teacher",
                    "ExAccErr");
    public static final List<String> HEADERS =
            concat(List.of("model", "checkpoint"), METRIC_HEADERS);

    public static SummaryRow reference(String model, ModelScore s) {
        return new SummaryRow(
                Kind.REFERENCE,
                model,
                s.name(),
                s.rougeL(),
                s.rougeLStd(),
                s.exactMatch(),
                s.tokenEce(),
                s.optionEce(),
                s.rklToTeacher(),
                null);
    }

    public static SummaryRow checkpoint(String model, String checkpoint, EvalReport r) {
        return new SummaryRow(
                Kind.CHECKPOINT,
                model,
                checkpoint,
                r.getRougeL(),
                r.getRougeLStd(),
                r.getExactMatch(),
                r.getTokenEce(),
                r.getEce(),
                r.getRklToTeacher(),
                r.getExAccErr());
    }

    /** Model, checkpoint, then {@link #metricCells()}; as many as {@link #HEADERS}. */
    public List<String> cells() {
        return concat(List.of(model, checkpoint), metricCells());
    }

    /** The measured values, formatted; as many as {@link #METRIC_HEADERS}. */
    public List<String> metricCells() {
        return List.of(
                rouge(rougeL, rougeLStd),
                percent(exactMatch == null ? null : 100 * exactMatch),
                fixed(tokenEce, 3),
                fixed(optionEce, 3),
                fixed(rklToTeacher, 3),
                percent(exAccErr));
    }

    static String rouge(Double mean, Double std) {
        if (!measured(mean)) {
            return MISSING;
        }
        return measured(std) ? fixed(mean, 2) + " ± " + fixed(std, 2) : fixed(mean, 2);
    }

    static String percent(Double v) {
        return measured(v) ? fixed(v, 1) + "%" : MISSING;
    }

    static String fixed(Double v, int decimals) {
        return measured(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : MISSING;
    }

    /**
     * A training metric of any magnitude: a loss of 2.3456 and a throughput of 12345 tokens/s
     * alike.
     */
    static String number(Double v) {
        if (!measured(v)) {
            return MISSING;
        }
        return Math.abs(v) >= 1000 ? String.format(Locale.ROOT, "%.0f", v) : fixed(v, 4);
    }

    static boolean measured(Double v) {
        return v != null && Double.isFinite(v);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return List.copyOf(out);
    }
}
