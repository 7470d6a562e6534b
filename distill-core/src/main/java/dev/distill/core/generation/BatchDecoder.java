package dev.distill.core.generation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.distill.core.model.AttentionMask;
import dev.distill.core.model.CausalLm;
import dev.distill.core.model.NoGrad;
import java.util.Arrays;
import java.util.List;

/**
 * Incremental decoding of one model over a batch of prompts with a KV cache. Prompts of different
 * lengths are left-padded; padded keys are masked and every row's positions start at 0 at its first
 * real token, so a row decodes exactly as it would alone. Rows that have finished are fed a masked
 * dummy token so the batch keeps its shape. Several decoders can run in lockstep (teacher and
 * student in teacher-mixed sampling).
 */
final class BatchDecoder implements AutoCloseable {
    private final CausalLm model;
    private final int b;
    private final int longest;
    private final int total;
    private final boolean[][] validKeys;
    private final int[] nextPosition;
    private final long[] prefillIds;
    private final long[] prefillPositions;
    private final NoGrad noGrad;
    private final NDManager root;
    private final KvCache cache;

    BatchDecoder(CausalLm model, List<int[]> prompts, int maxNewTokens) {
        this.model = model;
        this.b = prompts.size();
        int vocab = model.config().vocabSize();
        int max = 0;
        for (int r = 0; r < b; r++) {
            int[] p = prompts.get(r);
            if (p.length == 0) {
                throw new IllegalArgumentException(
                        "prompt " + r + " is empty; generation needs at least one token");
            }
            for (int id : p) {
                if (id < 0 || id >= vocab) {
                    throw new IllegalArgumentException(
                            "prompt "
                                    + r
                                    + " has token id "
                                    + id
                                    + " outside the vocabulary of "
                                    + vocab);
                }
            }
            max = Math.max(max, p.length);
        }
        this.longest = max;
        // The last sampled token is never fed back, hence the -1.
        this.total = longest + maxNewTokens - 1;
        if (total > model.config().nPositions()) {
            throw new IllegalArgumentException(
                    "prompt of "
                            + longest
                            + " tokens + "
                            + maxNewTokens
                            + " new tokens exceeds the model's "
                            + model.config().nPositions()
                            + " positions");
        }
        this.validKeys = new boolean[b][total];
        this.nextPosition = new int[b];
        this.prefillIds = new long[b * longest];
        this.prefillPositions = new long[b * longest];
        for (int r = 0; r < b; r++) {
            int[] p = prompts.get(r);
            int pad = longest - p.length;
            nextPosition[r] = p.length;
            for (int j = 0; j < p.length; j++) {
                prefillIds[r * longest + pad + j] = p[j];
                prefillPositions[r * longest + pad + j] = j;
                validKeys[r][pad + j] = true;
            }
        }
        this.noGrad = new NoGrad();
        this.root = NDManager.newBaseManager();
        this.cache = new KvCache(root);
    }

    /** Runs the prompts; returns the next-token logits of every row, (B x V) flattened. */
    float[] prefill() {
        return step(prefillIds, prefillPositions, longest);
    }

    /** Feeds one token per row ({@code live[r]} false: a masked dummy); returns the next logits. */
    float[] feed(int[] tokens, boolean[] live) {
        long[] ids = new long[b];
        long[] pos = new long[b];
        int keyCol = (int) cache.length();
        for (int r = 0; r < b; r++) {
            if (live[r]) {
                ids[r] = tokens[r];
                pos[r] = nextPosition[r]++;
                validKeys[r][keyCol] = true;
            }
        }
        return step(ids, pos, 1);
    }

    private float[] step(long[] idx, long[] pos, int t) {
        int keys = (int) cache.length() + t;
        boolean[][] valid = new boolean[b][];
        for (int r = 0; r < b; r++) {
            valid[r] = Arrays.copyOf(validKeys[r], keys);
        }
        float[] logits;
        try (NDManager step = model.newStep()) {
            NDArray ids = step.create(idx, new Shape(b, t)); // (B, T)
            NDArray positions = step.create(pos, new Shape(b, t)); // (B, T)
            NDArray mask = AttentionMask.causalPadded(step, valid, t); // (B, 1, T, Tk)
            CausalLm.Output o = model.forward(ids, positions, mask, cache.lend(step), true);
            logits = o.logits().toFloatArray(); // (B, 1, V)
            cache.keep(o.present());
        }
        cache.freeRetired();
        return logits;
    }

    @Override
    public void close() {
        cache.close();
        root.close();
        noGrad.close();
    }
}
