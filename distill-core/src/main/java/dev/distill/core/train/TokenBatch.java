package dev.distill.core.train;

import java.util.List;

/**
 * Right-padded token sequences with a loss mask over next-token targets: {@code mask[r][t]} says
 * whether predicting token t+1 of row r counts (the response part, for supervised fine-tuning).
 */
public record TokenBatch(int rows, int length, long[] ids, long[] targets, float[] mask) {

    /**
     * @param sequences prompt + response token ids
     * @param lossStart per row, the index of the first token whose prediction is trained (0 = all)
     */
    public static TokenBatch of(List<int[]> sequences, int[] lossStart) {
        int b = sequences.size();
        if (b == 0 || lossStart.length != b) {
            throw new IllegalArgumentException(
                    "a batch needs at least one sequence and one loss start per sequence");
        }
        int t = 0;
        for (int[] s : sequences) {
            if (s.length < 2) {
                throw new IllegalArgumentException(
                        "training sequences need at least 2 tokens, got " + s.length);
            }
            t = Math.max(t, s.length);
        }
        long[] ids = new long[b * t];
        long[] targets = new long[b * (t - 1)];
        float[] mask = new float[b * (t - 1)];
        for (int r = 0; r < b; r++) {
            int[] s = sequences.get(r);
            for (int i = 0; i < s.length; i++) {
                ids[r * t + i] = s[i];
                if (i > 0) {
                    targets[r * (t - 1) + i - 1] = s[i];
                    mask[r * (t - 1) + i - 1] = i >= Math.max(1, lossStart[r]) ? 1f : 0f;
                }
            }
        }
        return new TokenBatch(b, t, ids, targets, mask);
    }

    public long trainedTokens() {
        long n = 0;
        for (float m : mask) {
            n += m > 0 ? 1 : 0;
        }
        return n;
    }
}
