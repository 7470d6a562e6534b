package dev.distill.core.generation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.distill.core.model.CausalLm;
import dev.distill.core.model.NoGrad;
import java.util.ArrayList;
import java.util.List;

/**
 * Teacher-forced scoring: for every position t of a given sequence, the model's log-probability of
 * the actual next token, its top-k alternatives and optionally the full distribution. Rows are
 * right-padded; causality makes the padding invisible to the real positions.
 */
public final class Scorer {
    private Scorer() {}

    /**
     * Scores of one sequence x_0..x_{T-1}; index t describes the prediction of x_{t+1} from
     * x_0..x_t.
     *
     * @param nextLogProbs log p(x_{t+1} | x_{<=t}), length T-1
     * @param topIds the k most likely next tokens at each t, most likely first
     * @param topLogProbs their log-probabilities
     * @param full the full log-distribution at each t (T-1 x V), or null when not requested
     */
    public record Scores(
            int[] tokens,
            float[] nextLogProbs,
            int[][] topIds,
            float[][] topLogProbs,
            float[][] full) {}

    public static List<Scores> score(
            CausalLm model, List<int[]> sequences, int topK, boolean full) {
        int vocab = model.config().vocabSize();
        if (topK < 0 || topK > vocab) {
            throw new IllegalArgumentException("top-k must be in [0, " + vocab + "], got " + topK);
        }
        int b = sequences.size();
        int longest = 0;
        for (int r = 0; r < b; r++) {
            int[] s = sequences.get(r);
            if (s.length < 2) {
                throw new IllegalArgumentException(
                        "sequence " + r + " has " + s.length + " tokens; scoring needs at least 2");
            }
            if (s.length > model.config().nPositions()) {
                throw new IllegalArgumentException(
                        "sequence "
                                + r
                                + " has "
                                + s.length
                                + " tokens, more than the model's "
                                + model.config().nPositions()
                                + " positions");
            }
            for (int id : s) {
                if (id < 0 || id >= vocab) {
                    throw new IllegalArgumentException(
                            "sequence "
                                    + r
                                    + " has token id "
                                    + id
                                    + " outside the vocabulary of "
                                    + vocab);
                }
            }
            longest = Math.max(longest, s.length);
        }
        long[] ids = new long[b * longest];
        long[] next = new long[b * (longest - 1)];
        for (int r = 0; r < b; r++) {
            int[] s = sequences.get(r);
            for (int t = 0; t < s.length; t++) {
                ids[r * longest + t] = s[t];
                if (t > 0) {
                    next[r * (longest - 1) + t - 1] = s[t];
                }
            }
        }
        int tp = longest - 1;
        float[] picked;
        float[] topValues = null;
        long[] topIndices = null;
        float[] dist = null;
        try (NoGrad ignored = new NoGrad();
                NDManager step = model.newStep()) {
            // The last position predicts nothing here: leave it out of the pass rather than slice
            // it off.
            NDArray input = step.create(ids, new Shape(b, longest)).get(":, :-1"); // (B, T-1)
            NDArray logp = model.forward(input).logSoftmax(-1); // (B, T-1, V)
            NDArray targets = step.create(next, new Shape(b, tp, 1)); // (B, T-1, 1)
            picked = logp.gather(targets, 2).toFloatArray(); // (B, T-1, 1)
            if (topK > 0) {
                NDList top = logp.topK(topK, -1); // 2 x (B, T-1, k)
                topValues = top.get(0).toFloatArray();
                topIndices = top.get(1).toLongArray();
            }
            if (full) {
                dist = logp.toFloatArray();
            }
        }
        List<Scores> out = new ArrayList<>(b);
        for (int r = 0; r < b; r++) {
            int n = sequences.get(r).length - 1;
            float[] lp = new float[n];
            int[][] tIds = new int[n][];
            float[][] tLp = new float[n][];
            float[][] f = full ? new float[n][] : null;
            for (int t = 0; t < n; t++) {
                int row = r * tp + t;
                lp[t] = picked[row];
                tIds[t] = new int[topK];
                tLp[t] = new float[topK];
                for (int j = 0; j < topK; j++) {
                    tIds[t][j] = (int) topIndices[row * topK + j];
                    tLp[t][j] = topValues[row * topK + j];
                }
                if (full) {
                    f[t] = java.util.Arrays.copyOfRange(dist, row * vocab, (row + 1) * vocab);
                }
            }
            out.add(new Scores(sequences.get(r), lp, tIds, tLp, f));
        }
        return out;
    }
}
