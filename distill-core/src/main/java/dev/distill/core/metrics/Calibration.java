package dev.distill.core.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToDoubleFunction;

/**
 * Expected calibration error over 15 equal-width confidence bins, bin i covering (i/15, (i+1)/15]
 * with confidence 0 in the first bin. An accumulator, so token-level ECE can be gathered batch by
 * batch without keeping every prediction; the same binning serves multiple-choice answer ECE.
 */
public final class Calibration {
    public static final int BINS = 15;

    /**
     * Mean confidence and accuracy are 0 for an empty bin, which contributes nothing to the ECE.
     */
    public record Bin(
            double lower, double upper, long count, double meanConfidence, double accuracy) {}

    public record Result(double ece, List<Bin> bins) {
        public long count() {
            return bins.stream().mapToLong(Bin::count).sum();
        }
    }

    /** One prediction: the probability of the predicted class and whether that class was right. */
    public record Prediction(double confidence, boolean correct) {}

    private final long[] counts = new long[BINS];
    private final long[] correct = new long[BINS];
    private final double[] confidenceSums = new double[BINS];

    public void add(float confidence, boolean isCorrect) {
        add((double) confidence, isCorrect);
    }

    public void add(double confidence, boolean isCorrect) {
        int b = binOf(confidence);
        counts[b]++;
        confidenceSums[b] += confidence;
        if (isCorrect) {
            correct[b]++;
        }
    }

    /** Adds one token position given its log-probability row over the vocabulary. */
    public void addLogProbs(float[] logProbs, int referenceId) {
        Prediction p = fromLogProbs(logProbs, referenceId);
        add(p.confidence(), p.correct());
    }

    /**
     * Adds one multiple-choice item given its probability per option (a distribution over options).
     */
    public void addOptions(double[] optionProbs, int correctOption) {
        Prediction p = fromProbs(optionProbs, correctOption);
        add(p.confidence(), p.correct());
    }

    /**
     * Confidence is exp of the largest log-probability; the first maximum wins ties, as
     * torch.argmax. Clamped to 1 because a float log-softmax can put the top entry a rounding error
     * above 0.
     */
    public static Prediction fromLogProbs(float[] logProbs, int referenceId) {
        int best = argmax(logProbs.length, i -> logProbs[i]);
        return new Prediction(Math.min(1.0, Math.exp(logProbs[best])), best == referenceId);
    }

    public static Prediction fromProbs(double[] probs, int correctIndex) {
        int best = argmax(probs.length, i -> probs[i]);
        return new Prediction(probs[best], best == correctIndex);
    }

    /** Answer-option ECE over multiple-choice items, binned like the token-level ECE. */
    public static Result optionEce(List<double[]> optionProbs, int[] correctOptions) {
        if (optionProbs.size() != correctOptions.length) {
            throw new IllegalArgumentException(
                    optionProbs.size() + " items but " + correctOptions.length + " answers");
        }
        Calibration c = new Calibration();
        for (int i = 0; i < correctOptions.length; i++) {
            c.addOptions(optionProbs.get(i), correctOptions[i]);
        }
        return c.result();
    }

    /** ECE = sum_b (n_b / N) |acc_b - conf_b|; 0 when nothing was added. */
    public Result result() {
        long total = 0;
        for (long n : counts) {
            total += n;
        }
        List<Bin> bins = new ArrayList<>(BINS);
        double ece = 0;
        for (int b = 0; b < BINS; b++) {
            long n = counts[b];
            double conf = n == 0 ? 0 : confidenceSums[b] / n;
            double acc = n == 0 ? 0 : (double) correct[b] / n;
            bins.add(new Bin(lower(b), upper(b), n, conf, acc));
            if (n > 0) {
                ece += (double) n / total * Math.abs(acc - conf);
            }
        }
        return new Result(ece, List.copyOf(bins));
    }

    static double lower(int b) {
        return b / (double) BINS;
    }

    static double upper(int b) {
        return (b + 1) / (double) BINS;
    }

    /**
     * Index of the bin (lower, upper] holding the confidence, edges compared as the doubles above.
     */
    static int binOf(double confidence) {
        if (!(confidence >= 0 && confidence <= 1)) {
            throw new IllegalArgumentException("confidence outside [0, 1]: " + confidence);
        }
        // The ceil guess can be one off next to an edge because i/15 is not exact in binary.
        int b = Math.max(0, Math.min(BINS - 1, (int) Math.ceil(confidence * BINS) - 1));
        while (b > 0 && confidence <= lower(b)) {
            b--;
        }
        while (b < BINS - 1 && confidence > upper(b)) {
            b++;
        }
        return b;
    }

    private static int argmax(int n, IntToDoubleFunction value) {
        if (n == 0) {
            throw new IllegalArgumentException("empty distribution");
        }
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (value.applyAsDouble(i) > value.applyAsDouble(best)) {
                best = i;
            }
        }
        return best;
    }
}
