package dev.distill.recipes;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.distill.core.data.HeldOutItem;
import dev.distill.core.data.PromptTemplate;
import dev.distill.core.data.TaskItem;
import dev.distill.core.generation.Generator;
import dev.distill.core.generation.SamplingConfig;
import dev.distill.core.metrics.RougeL;
import dev.distill.core.model.CausalLm;
import dev.distill.core.model.NoGrad;
import dev.distill.core.tokenizer.Tokenizer;
import dev.distill.core.train.LmLoss;
import dev.distill.core.train.TokenBatch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The cheap held-out signal watched during training: greedy Rouge-L (max over references, x100) and
 * the response loss teacher-forced on the first reference. Greedy decoding needs no seeds, so two
 * checks of the same weights agree exactly. Runs without autograd and touches neither the weights
 * nor any training state, so checking does not change what is trained.
 */
public final class HeldOutCheck {
    static final int BATCH = 50;

    /** Scores over the checked items, and greedy Rouge-L per task family. */
    public record Result(
            int items,
            double rougeL,
            double loss,
            Map<String, Double> rougeLByFamily,
            double seconds) {}

    private HeldOutCheck() {}

    /**
     * Up to {@code n} items taken round-robin over the families in file order, so every family is
     * checked.
     */
    public static List<TaskItem> spread(List<TaskItem> items, int n) {
        Map<String, List<TaskItem>> byFamily = new LinkedHashMap<>();
        for (TaskItem t : items) {
            byFamily.computeIfAbsent(String.valueOf(t.family()), k -> new ArrayList<>()).add(t);
        }
        List<TaskItem> out = new ArrayList<>();
        for (int i = 0; out.size() < Math.min(n, items.size()); i++) {
            for (List<TaskItem> family : byFamily.values()) {
                if (i < family.size() && out.size() < n) {
                    out.add(family.get(i));
                }
            }
        }
        return out;
    }

    public static Result run(
            CausalLm model, Tokenizer tokenizer, List<TaskItem> items, int maxNewTokens) {
        long start = System.nanoTime();
        int eos = model.config().eosTokenId();
        Map<String, double[]> family = new TreeMap<>(); // family -> {sum, count}
        double rouge = 0;
        double lossSum = 0;
        long lossTokens = 0;
        for (int from = 0; from < items.size(); from += BATCH) {
            List<TaskItem> chunk = items.subList(from, Math.min(items.size(), from + BATCH));
            List<int[]> prompts = new ArrayList<>();
            List<int[]> sequences = new ArrayList<>();
            int[] lossStart = new int[chunk.size()];
            for (int i = 0; i < chunk.size(); i++) {
                HeldOutItem it = chunk.get(i).item();
                int[] p = tokenizer.encode(PromptTemplate.format(it.instruction(), it.context()));
                int[] r = tokenizer.encode(it.references().get(0));
                int[] seq = java.util.Arrays.copyOf(p, p.length + r.length + 1);
                System.arraycopy(r, 0, seq, p.length, r.length);
                seq[seq.length - 1] = eos;
                prompts.add(p);
                sequences.add(seq);
                lossStart[i] = p.length;
            }
            List<Generator.Generation> gens =
                    Generator.generate(model, prompts, SamplingConfig.greedy(maxNewTokens, eos));
            for (int i = 0; i < chunk.size(); i++) {
                double score =
                        100
                                * RougeL.maxF(
                                        tokenizer.decode(gens.get(i).tokens()).strip(),
                                        chunk.get(i).item().references());
                rouge += score;
                double[] f =
                        family.computeIfAbsent(
                                String.valueOf(chunk.get(i).family()), k -> new double[2]);
                f[0] += score;
                f[1]++;
            }
            TokenBatch batch = TokenBatch.of(sequences, lossStart);
            lossSum += meanLoss(model, batch) * batch.trainedTokens();
            lossTokens += batch.trainedTokens();
        }
        Map<String, Double> byFamily = new LinkedHashMap<>();
        family.forEach((k, v) -> byFamily.put(k, v[0] / v[1]));
        return new Result(
                items.size(),
                rouge / items.size(),
                lossSum / lossTokens,
                byFamily,
                (System.nanoTime() - start) / 1e9);
    }

    private static double meanLoss(CausalLm model, TokenBatch batch) {
        try (NoGrad ignored = new NoGrad();
                NDManager step = model.newStep()) {
            NDArray ids =
                    step.create(batch.ids(), new Shape(batch.rows(), batch.length())); // (B, T)
            return LmLoss.crossEntropy(model.forward(ids), batch).getFloat(); // ()
        }
    }
}
