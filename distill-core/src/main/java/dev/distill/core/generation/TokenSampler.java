package dev.distill.core.generation;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks one next token from one row of logits: no-repeat-n-gram ban, then greedy or temperature,
 * top-k, top-p and a draw. Pure Java on the host copy of the logits, so sampling is seeded and
 * identical whatever the engine's random state or thread count.
 */
public final class TokenSampler {
    private TokenSampler() {}

    /** A per-row generator, independent of the batch the row happens to be in. */
    public static SplittableRandom rowRandom(long seed, int row) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + row);
    }

    /**
     * @param logits one row of logits (not modified)
     * @param history prompt + generated tokens so far, {@code length} of them valid
     */
    public static int sample(
            float[] logits, int[] history, int length, SamplingConfig cfg, SplittableRandom rng) {
        double[] z = new double[logits.length];
        for (int i = 0; i < z.length; i++) {
            z[i] = logits[i];
            if (Float.isNaN(logits[i])) {
                throw new IllegalStateException("model produced a NaN logit for token " + i);
            }
        }
        if (cfg.noRepeatNgram() > 0) {
            banRepeatedNgrams(z, history, length, cfg.noRepeatNgram());
        }
        if (cfg.greedy()) {
            return argmax(z);
        }
        if (cfg.topK() > 0 && cfg.topK() < z.length) {
            keepTopK(z, cfg.topK());
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        if (max == Double.NEGATIVE_INFINITY) {
            throw new IllegalStateException(
                    "every token is banned: no-repeat-ngram "
                            + cfg.noRepeatNgram()
                            + " leaves nothing to sample");
        }
        double[] p = new double[z.length];
        double sum = 0;
        for (int i = 0; i < z.length; i++) {
            p[i] =
                    z[i] == Double.NEGATIVE_INFINITY
                            ? 0
                            : Math.exp((z[i] - max) / cfg.temperature());
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        if (cfg.topP() < 1) {
            keepTopP(p, cfg.topP());
        }
        return draw(p, rng);
    }

    static void banRepeatedNgrams(double[] z, int[] history, int length, int n) {
        if (length < n - 1 || n < 1) {
            return;
        }
        // The next token would form the n-gram (last n-1 tokens, next); ban every continuation seen
        // before.
        int prefixStart = length - (n - 1);
        for (int start = 0; start + n - 1 < length; start++) {
            boolean same = true;
            for (int j = 0; j < n - 1 && same; j++) {
                same = history[start + j] == history[prefixStart + j];
            }
            if (same) {
                z[history[start + n - 1]] = Double.NEGATIVE_INFINITY;
            }
        }
    }

    static int argmax(double[] z) {
        int best = 0;
        for (int i = 1; i < z.length; i++) {
            if (z[i] > z[best]) {
                best = i;
            }
        }
        if (z[best] == Double.NEGATIVE_INFINITY) {
            throw new IllegalStateException("every token is banned: nothing to pick");
        }
        return best;
    }

    private static void keepTopK(double[] z, int k) {
        double[] sorted = z.clone();
        Arrays.sort(sorted);
        double threshold = sorted[sorted.length - k];
        int above = 0;
        for (double v : z) {
            if (v > threshold) {
                above++;
            }
        }
        int ties = k - above; // ties at the threshold are kept in index order so exactly k survive
        for (int i = 0; i < z.length; i++) {
            if (z[i] > threshold) {
                continue;
            }
            if (z[i] == threshold && ties > 0) {
                ties--;
                continue;
            }
            z[i] = Double.NEGATIVE_INFINITY;
        }
    }

    private static void keepTopP(double[] p, double topP) {
        Integer[] order = new Integer[p.length];
        int n = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] > 0) {
                order[n++] = i;
            }
        }
        Integer[] live = Arrays.copyOf(order, n);
        Arrays.sort(
                live, (a, b) -> p[b] != p[a] ? Double.compare(p[b], p[a]) : Integer.compare(a, b));
        double cum = 0;
        int keep = 0;
        while (keep < live.length && cum < topP) {
            cum += p[live[keep++]];
        }
        for (int i = keep; i < live.length; i++) {
            p[live[i]] = 0;
        }
        for (int i = 0; i < keep; i++) {
            p[live[i]] /= cum;
        }
    }

    private static int draw(double[] p, SplittableRandom rng) {
        double u = rng.nextDouble();
        double cum = 0;
        int last = -1;
        for (int i = 0; i < p.length; i++) {
            if (p[i] > 0) {
                cum += p[i];
                last = i;
                if (u < cum) {
                    return i;
                }
            }
        }
        return last; // u fell in the rounding gap above the final cumulative sum
    }
}
