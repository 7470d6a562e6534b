package dev.distill.core.metrics;

import dev.distill.core.data.HeldOutItem;
import dev.distill.core.data.PromptTemplate;
import dev.distill.core.generation.Generator;
import dev.distill.core.generation.SamplingConfig;
import dev.distill.core.generation.Scorer;
import dev.distill.core.model.CausalLm;
import dev.distill.core.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * The paper's evaluation of one model on a held-out set: responses sampled at temperature 1 with
 * no-repeat-ngram 6 under several seeds, Rouge-L (max over references, x100) averaged over seeds
 * with its spread, exact match, mean length, distinct-4, and token-level calibration teacher-forced
 * on the first reference, answer-option calibration on the multiple-choice items; with a teacher,
 * also the reverse KL to it on the model's own samples and, when asked, exposure bias (ExAccErr).
 */
public final class Evaluation {
    private Evaluation() {}

    public record Result(
            int samples,
            long[] seeds,
            double rougeL,
            double rougeLStd,
            double exactMatch,
            double meanLength,
            double distinct4,
            Calibration.Result tokenCalibration,
            Calibration.Result optionCalibration,
            Double reverseKlToTeacher,
            ExposureBias.Result exposureBias) {}

    /**
     * How to evaluate.
     *
     * @param exAccErrSteps response length l at which to measure exposure bias against the teacher
     *     (0 = off)
     * @param template how items become prompts (the one the run's producer used)
     */
    public record Protocol(
            int maxNewTokens,
            long[] seeds,
            int batchSize,
            int exAccErrSteps,
            PromptTemplate template) {
        public Protocol {
            if (seeds.length == 0
                    || maxNewTokens < 1
                    || batchSize < 1
                    || exAccErrSteps < 0
                    || template == null) {
                throw new IllegalArgumentException(
                        "evaluation needs a seed, max new tokens >= 1, batch size >= 1, "
                                + "ExAccErr steps >= 0 and a prompt template");
            }
            seeds = seeds.clone();
        }

        public Protocol(int maxNewTokens, long[] seeds, int batchSize, int exAccErrSteps) {
            this(maxNewTokens, seeds, batchSize, exAccErrSteps, PromptTemplate.DEFAULT);
        }
    }

    public static Result run(
            CausalLm model,
            Tokenizer tokenizer,
            List<HeldOutItem> items,
            Protocol protocol,
            CausalLm teacher) {
        if (items.isEmpty()) {
            throw new IllegalArgumentException("evaluation needs at least one item");
        }
        if (protocol.exAccErrSteps() > 0 && teacher == null) {
            throw new IllegalArgumentException("ExAccErr needs the teacher as its oracle");
        }
        int maxNewTokens = protocol.maxNewTokens();
        long[] seeds = protocol.seeds();
        int batchSize = protocol.batchSize();
        int eos =
                model.config().eosTokenId() != null
                        ? model.config().eosTokenId()
                        : tokenizer.eosId().orElse(-1);
        List<int[]> prompts = new ArrayList<>();
        for (HeldOutItem it : items) {
            prompts.add(
                    tokenizer.encode(protocol.template().apply(it.instruction(), it.context())));
        }
        double[] perSeed = new double[seeds.length];
        double exact = 0;
        List<String> texts = new ArrayList<>();
        for (int s = 0; s < seeds.length; s++) {
            double rouge = 0;
            for (int from = 0; from < items.size(); from += batchSize) {
                int to = Math.min(items.size(), from + batchSize);
                List<int[]> batch = prompts.subList(from, to);
                int room =
                        model.config().nPositions()
                                - batch.stream().mapToInt(p -> p.length).max().orElse(0)
                                + 1;
                SamplingConfig cfg =
                        SamplingConfig.paperEval(
                                Math.max(1, Math.min(maxNewTokens, room)),
                                eos,
                                seeds[s] * 1_000_003L + from);
                List<Generator.Generation> gens = Generator.generate(model, batch, cfg);
                for (int i = 0; i < gens.size(); i++) {
                    String text = tokenizer.decode(gens.get(i).tokens()).strip();
                    HeldOutItem it = items.get(from + i);
                    rouge += 100 * RougeL.maxF(text, it.references());
                    exact += TextStats.exactMatch(text, it.references()) ? 1 : 0;
                    texts.add(text);
                }
            }
            perSeed[s] = rouge / items.size();
        }
        double mean = 0;
        for (double v : perSeed) {
            mean += v / seeds.length;
        }
        double var = 0;
        for (double v : perSeed) {
            var += (v - mean) * (v - mean);
        }
        double std = seeds.length > 1 ? Math.sqrt(var / (seeds.length - 1)) : 0;
        Double rkl =
                teacher == null
                        ? null
                        : ReverseKl.onStudentSamples(
                                model,
                                teacher,
                                prompts,
                                SamplingConfig.paperEval(maxNewTokens, eos, seeds[0]));
        ExposureBias.Result bias =
                protocol.exAccErrSteps() == 0
                        ? null
                        : ExposureBias.measure(
                                model, teacher, prompts, protocol.exAccErrSteps(), eos, seeds[0]);
        return new Result(
                items.size(),
                seeds.clone(),
                mean,
                std,
                exact / (items.size() * seeds.length),
                TextStats.meanLength(texts),
                TextStats.distinct4(texts),
                tokenCalibration(model, tokenizer, items, prompts, eos),
                AnswerOptions.calibration(model, tokenizer, protocol.template(), items, eos),
                rkl,
                bias);
    }

    /** Token ECE teacher-forced on each item's first reference (and its end-of-text). */
    private static Calibration.Result tokenCalibration(
            CausalLm model,
            Tokenizer tokenizer,
            List<HeldOutItem> items,
            List<int[]> prompts,
            int eos) {
        Calibration cal = new Calibration();
        for (int i = 0; i < items.size(); i++) {
            int[] ref = tokenizer.encode(items.get(i).references().get(0));
            int[] p = prompts.get(i);
            int n =
                    Math.min(
                            p.length + ref.length + (eos >= 0 ? 1 : 0),
                            model.config().nPositions());
            int[] seq = new int[n];
            for (int t = 0; t < n; t++) {
                seq[t] = t < p.length ? p[t] : t - p.length < ref.length ? ref[t - p.length] : eos;
            }
            if (n <= p.length) {
                continue;
            }
            Scorer.Scores s = Scorer.score(model, List.of(seq), 1, false).get(0);
            for (int t = p.length - 1; t < n - 1; t++) {
                cal.add(
                        Math.min(1.0, Math.exp(s.topLogProbs()[t][0])),
                        s.topIds()[t][0] == seq[t + 1]);
            }
        }
        return cal.result();
    }
}
