package dev.distill.core.generation;

import dev.distill.core.model.CausalLm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Batched sampling from one model with a KV cache (see {@link BatchDecoder} for the batching
 * rules).
 */
public final class Generator {
    private Generator() {}

    public enum StopReason {
        EOS,
        MAX_NEW_TOKENS
    }

    /**
     * The generated tokens of one prompt (the end id excluded), why decoding stopped and, on EOS,
     * which end id ended it (models may have several), else -1.
     */
    public record Generation(int[] prompt, int[] tokens, StopReason stop, int endId) {}

    public static List<Generation> generate(
            CausalLm model, List<int[]> prompts, SamplingConfig cfg) {
        int b = prompts.size();
        if (b == 0) {
            return List.of();
        }
        int vocab = model.config().vocabSize();
        int[][] history = new int[b][];
        int[] length = new int[b];
        SplittableRandom[] rng = new SplittableRandom[b];
        List<List<Integer>> out = new ArrayList<>();
        for (int r = 0; r < b; r++) {
            int[] p = prompts.get(r);
            history[r] = Arrays.copyOf(p, p.length + cfg.maxNewTokens());
            length[r] = p.length;
            rng[r] = TokenSampler.rowRandom(cfg.seed(), r);
            out.add(new ArrayList<>());
        }
        StopReason[] stop = new StopReason[b];
        int[] endId = new int[b];
        Arrays.fill(endId, -1);
        boolean[] live = new boolean[b];
        Arrays.fill(live, true);
        int remaining = b;
        try (BatchDecoder decoder = new BatchDecoder(model, prompts, cfg.maxNewTokens())) {
            float[] logits = decoder.prefill();
            for (int s = 0; s < cfg.maxNewTokens() && remaining > 0; s++) {
                int[] next = new int[b];
                for (int r = 0; r < b; r++) {
                    if (!live[r]) {
                        continue;
                    }
                    float[] row = Arrays.copyOfRange(logits, r * vocab, (r + 1) * vocab);
                    int tok = TokenSampler.sample(row, history[r], length[r], cfg, rng[r]);
                    history[r][length[r]++] = tok;
                    if (tok == cfg.eosId()
                            || model.config()
                                    .isEos(tok)) { // any of the model's end ids (Llama 3 has
                        // several)
                        stop[r] = StopReason.EOS;
                        endId[r] = tok;
                        live[r] = false;
                        remaining--;
                        continue;
                    }
                    out.get(r).add(tok);
                    next[r] = tok;
                }
                if (remaining > 0 && s < cfg.maxNewTokens() - 1) {
                    logits = decoder.feed(next, live);
                }
            }
        }
        List<Generation> result = new ArrayList<>(b);
        for (int r = 0; r < b; r++) {
            int[] toks = out.get(r).stream().mapToInt(Integer::intValue).toArray();
            result.add(
                    new Generation(
                            prompts.get(r),
                            toks,
                            stop[r] == null ? StopReason.MAX_NEW_TOKENS : stop[r],
                            endId[r]));
        }
        return result;
    }
}
