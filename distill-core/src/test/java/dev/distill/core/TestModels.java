package dev.distill.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.distill.core.model.CausalLm;
import dev.distill.core.model.GptConfig;
import dev.distill.core.model.NoGrad;
import dev.distill.core.train.TokenBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Small models and tasks shared by the tests. */
public final class TestModels {
    private TestModels() {}

    /** log softmax of one row of logits, in double precision (the tests' reference). */
    public static double[] logSoftmax(float[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : x) {
            max = Math.max(max, v);
        }
        double z = 0;
        for (float v : x) {
            z += Math.exp(v - max);
        }
        double lse = max + Math.log(z);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] - lse;
        }
        return out;
    }

    /**
     * A tiny Hugging Face checkpoint of src/test/resources/families (see make_families.py there).
     */
    public static java.nio.file.Path family(String variant) {
        try {
            return java.nio.file.Path.of(
                            TestModels.class
                                    .getResource("/families/" + variant + "/config.json")
                                    .toURI())
                    .getParent();
        } catch (java.net.URISyntaxException | NullPointerException e) {
            throw new IllegalArgumentException("no test checkpoint families/" + variant, e);
        }
    }

    public static GptConfig tiny() {
        return GptConfig.of(32, 64, 32, 2, 4).withEos(31);
    }

    /** Full-forward logits of one sequence as [T][V]. */
    public static float[][] logits(CausalLm model, int[] tokens) {
        try (NoGrad ignored = new NoGrad();
                NDManager step = model.newStep()) {
            long[] ids = new long[tokens.length];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = tokens[i];
            }
            NDArray out = model.forward(step.create(ids).expandDims(0));
            int v = model.config().vocabSize();
            float[] flat = out.toFloatArray();
            float[][] rows = new float[tokens.length][];
            for (int t = 0; t < tokens.length; t++) {
                rows[t] = java.util.Arrays.copyOfRange(flat, t * v, (t + 1) * v);
            }
            return rows;
        }
    }

    /** Counting task: each sequence is s, s+1, s+2, ... (mod vocab - 1); trivially learnable. */
    public static TokenBatch countingBatch(long step, long seed, int rows, int length, int vocab) {
        SplittableRandom rng = new SplittableRandom(seed * 1_000_003L + step);
        List<int[]> seqs = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            int s = rng.nextInt(vocab - 1);
            int[] seq = new int[length];
            for (int t = 0; t < length; t++) {
                seq[t] = (s + t) % (vocab - 1);
            }
            seqs.add(seq);
        }
        return TokenBatch.of(seqs, new int[rows]);
    }
}
