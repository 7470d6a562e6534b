package dev.distill.core.experiment;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A 95% interval for mean(A) - mean(B) over paired test items, where each arm was trained with
 * several seeds: every replicate resamples the items and, independently per arm, the training runs
 * (so the interval carries the spread between training runs, not only between items).
 */
public final class PairedBootstrap {
    private PairedBootstrap() {}

    /**
     * @param low 2.5th percentile, @param high 97.5th percentile of the replicated differences
     */
    public record Interval(double difference, double low, double high, int replicates) {
        public boolean excludesZero() {
            return low > 0 || high < 0;
        }
    }

    /**
     * @param a per training run, per item scores of arm A (all runs score the same items in the
     *     same order)
     * @param b the same for arm B
     */
    public static Interval of(List<double[]> a, List<double[]> b, int replicates, long seed) {
        if (a.isEmpty() || b.isEmpty()) {
            throw new IllegalArgumentException("each arm needs at least one run");
        }
        int n = a.get(0).length;
        for (double[] r : a) {
            requireLength(r, n);
        }
        for (double[] r : b) {
            requireLength(r, n);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        double[] diffs = new double[replicates];
        int[] items = new int[n];
        for (int rep = 0; rep < replicates; rep++) {
            for (int i = 0; i < n; i++) {
                items[i] = rng.nextInt(n);
            }
            diffs[rep] = resampledMean(a, items, rng) - resampledMean(b, items, rng);
        }
        Arrays.sort(diffs);
        double point = mean(a) - mean(b);
        return new Interval(
                point,
                diffs[(int) Math.floor(0.025 * (replicates - 1))],
                diffs[(int) Math.ceil(0.975 * (replicates - 1))],
                replicates);
    }

    private static double resampledMean(List<double[]> runs, int[] items, SplittableRandom rng) {
        double s = 0;
        for (int k = 0; k < runs.size(); k++) {
            double[] run = runs.get(rng.nextInt(runs.size()));
            for (int i : items) {
                s += run[i];
            }
        }
        return s / (runs.size() * (double) items.length);
    }

    static double mean(List<double[]> runs) {
        double s = 0;
        for (double[] r : runs) {
            for (double v : r) {
                s += v;
            }
        }
        return s / (runs.size() * (double) runs.get(0).length);
    }

    private static void requireLength(double[] r, int n) {
        if (r.length != n) {
            throw new IllegalArgumentException(
                    "runs score different numbers of items: " + r.length + " and " + n);
        }
    }
}
