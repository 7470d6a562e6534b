package dev.distill.core.experiment;

import dev.distill.core.data.HeldOutItem;
import dev.distill.core.data.PromptTemplate;
import dev.distill.core.generation.Generator;
import dev.distill.core.generation.SamplingConfig;
import dev.distill.core.metrics.RougeL;
import dev.distill.core.model.CausalLm;
import dev.distill.core.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Rouge-L of every item under one decoding protocol, kept per item so that two models can be
 * compared on paired items: the paper's (temperature 1, no-repeat-ngram 6, mean over sampling
 * seeds) or greedy.
 *
 * @param rougeL per item, x100, averaged over the seeds
 * @param texts the first seed's generations, for length and distinct-4
 */
public record ItemScores(double[] rougeL, List<String> texts) {

    public record Decoding(String name, boolean greedy, long[] seeds, int maxNewTokens) {
        public static Decoding paper(long[] seeds, int maxNewTokens) {
            return new Decoding("paper", false, seeds.clone(), maxNewTokens);
        }

        public static Decoding greedy(int maxNewTokens) {
            return new Decoding("greedy", true, new long[] {0}, maxNewTokens);
        }
    }

    public double mean() {
        double s = 0;
        for (double v : rougeL) {
            s += v;
        }
        return s / rougeL.length;
    }

    public static ItemScores of(
            CausalLm model,
            Tokenizer tokenizer,
            PromptTemplate template,
            List<HeldOutItem> items,
            Decoding decoding,
            int batchSize) {
        int eos =
                model.config().eosTokenId() != null
                        ? model.config().eosTokenId()
                        : tokenizer.eosId().orElse(-1);
        List<int[]> prompts =
                items.stream()
                        .map(it -> tokenizer.encode(template.apply(it.instruction(), it.context())))
                        .toList();
        double[] score = new double[items.size()];
        List<String> texts = new ArrayList<>();
        for (int s = 0; s < decoding.seeds().length; s++) {
            for (int from = 0; from < items.size(); from += batchSize) {
                int to = Math.min(items.size(), from + batchSize);
                List<int[]> batch = prompts.subList(from, to);
                int room =
                        model.config().nPositions()
                                - batch.stream().mapToInt(p -> p.length).max().orElse(0)
                                + 1;
                int n = Math.max(1, Math.min(decoding.maxNewTokens(), room));
                SamplingConfig cfg =
                        decoding.greedy()
                                ? SamplingConfig.greedy(n, eos)
                                : SamplingConfig.paperEval(
                                        n, eos, decoding.seeds()[s] * 1_000_003L + from);
                List<Generator.Generation> gens = Generator.generate(model, batch, cfg);
                for (int i = 0; i < gens.size(); i++) {
                    String text = tokenizer.decode(gens.get(i).tokens()).strip();
                    score[from + i] +=
                            100
                                    * RougeL.maxF(text, items.get(from + i).references())
                                    / decoding.seeds().length;
                    if (s == 0) {
                        texts.add(text);
                    }
                }
            }
        }
        return new ItemScores(score, texts);
    }
}
