package dev.distill.core.generation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.distill.core.model.AttentionMask;
import dev.distill.core.model.Gpt;
import dev.distill.core.model.NoGrad;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Batched incremental decoding with a KV cache. Prompts of different lengths are left-padded; padded
 * keys are masked out and every row's positions start at 0 at its first real token, so a row decodes
 * exactly as it would alone.
 */
public final class Generator {
    private Generator() {}

    public enum StopReason { EOS, MAX_NEW_TOKENS }

    /** The generated tokens of one prompt (EOS excluded) and why decoding stopped. */
    public record Generation(int[] prompt, int[] tokens, StopReason stop) {}

    public static List<Generation> generate(Gpt model, List<int[]> prompts, SamplingConfig cfg) {
        int b = prompts.size();
        if (b == 0) {
            return List.of();
        }
        int vocab = model.config().vocabSize();
        int longest = 0;
        for (int r = 0; r < b; r++) {
            int[] p = prompts.get(r);
            if (p.length == 0) {
                throw new IllegalArgumentException("prompt " + r + " is empty; generation needs at least one token");
            }
            for (int id : p) {
                if (id < 0 || id >= vocab) {
                    throw new IllegalArgumentException("prompt " + r + " has token id " + id + " outside the vocabulary of "
                            + vocab);
                }
            }
            longest = Math.max(longest, p.length);
        }
        // The last sampled token is never fed back, hence the -1.
        int total = longest + cfg.maxNewTokens() - 1;
        if (total > model.config().nPositions()) {
            throw new IllegalArgumentException("prompt of " + longest + " tokens + " + cfg.maxNewTokens()
                    + " new tokens exceeds the model's " + model.config().nPositions() + " positions");
        }

        int[][] history = new int[b][];
        int[] length = new int[b];
        int[] nextPosition = new int[b];
        boolean[][] validKeys = new boolean[b][total];
        long[] idx = new long[b * longest];
        long[] pos = new long[b * longest];
        SplittableRandom[] rng = new SplittableRandom[b];
        for (int r = 0; r < b; r++) {
            int[] p = prompts.get(r);
            int pad = longest - p.length;
            history[r] = Arrays.copyOf(p, p.length + cfg.maxNewTokens());
            length[r] = p.length;
            nextPosition[r] = p.length;
            for (int j = 0; j < p.length; j++) {
                idx[r * longest + pad + j] = p[j];
                pos[r * longest + pad + j] = j;
                validKeys[r][pad + j] = true;
            }
            rng[r] = TokenSampler.rowRandom(cfg.seed(), r);
        }

        List<List<Integer>> out = new ArrayList<>();
        for (int r = 0; r < b; r++) {
            out.add(new ArrayList<>());
        }
        StopReason[] stop = new StopReason[b];
        int live = b;
        try (NoGrad ignored = new NoGrad();
             NDManager root = NDManager.newBaseManager();
             KvCache cache = new KvCache(root)) {
            float[] logits = step(model, cache, idx, pos, validKeys, longest, b);
            for (int s = 0; s < cfg.maxNewTokens() && live > 0; s++) {
                long[] nextIdx = new long[b];
                long[] nextPos = new long[b];
                int keyCol = (int) cache.length();
                for (int r = 0; r < b; r++) {
                    if (stop[r] != null) {
                        continue; // finished rows feed a masked dummy token so the batch keeps its shape
                    }
                    float[] row = Arrays.copyOfRange(logits, r * vocab, (r + 1) * vocab);
                    int tok = TokenSampler.sample(row, history[r], length[r], cfg, rng[r]);
                    history[r][length[r]++] = tok;
                    if (tok == cfg.eosId()) {
                        stop[r] = StopReason.EOS;
                        live--;
                        continue;
                    }
                    out.get(r).add(tok);
                    nextIdx[r] = tok;
                    nextPos[r] = nextPosition[r]++;
                    if (keyCol < total) {
                        validKeys[r][keyCol] = true;
                    }
                }
                if (live > 0 && s < cfg.maxNewTokens() - 1) {
                    logits = step(model, cache, nextIdx, nextPos, validKeys, 1, b);
                }
            }
        }
        List<Generation> result = new ArrayList<>(b);
        for (int r = 0; r < b; r++) {
            int[] toks = out.get(r).stream().mapToInt(Integer::intValue).toArray();
            result.add(new Generation(prompts.get(r), toks, stop[r] == null ? StopReason.MAX_NEW_TOKENS : stop[r]));
        }
        return result;
    }

    /** One forward pass of {@code t} new positions per row; returns last-position logits (B x V, flat). */
    private static float[] step(Gpt model, KvCache cache, long[] idx, long[] pos, boolean[][] validKeys, int t, int b) {
        int keys = (int) cache.length() + t;
        boolean[][] valid = new boolean[b][];
        for (int r = 0; r < b; r++) {
            valid[r] = Arrays.copyOf(validKeys[r], keys);
        }
        float[] logits;
        try (NDManager step = model.newStep()) {
            NDArray ids = step.create(idx, new Shape(b, t));                                   // (B, T)
            NDArray positions = step.create(pos, new Shape(b, t));                             // (B, T)
            NDArray mask = AttentionMask.causalPadded(step, valid, t);                         // (B, 1, T, Tk)
            Gpt.Output o = model.forward(ids, positions, mask, cache.lend(step), true);
            logits = o.logits().toFloatArray();                                                // (B, 1, V)
            cache.keep(o.present());
        }
        cache.freeRetired();
        return logits;
    }
}
