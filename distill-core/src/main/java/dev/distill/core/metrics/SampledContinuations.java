package dev.distill.core.metrics;

import dev.distill.core.generation.Generator;
import dev.distill.core.generation.SamplingConfig;
import dev.distill.core.generation.Scorer;
import dev.distill.core.model.CausalLm;
import java.util.ArrayList;
import java.util.List;

/**
 * Prompts continued by one model and then scored by two, for divergences measured on a chosen
 * model's own prefixes (reverse KL on the student's samples, exposure bias on student versus
 * teacher samples).
 */
final class SampledContinuations {
    /**
     * Full next-token log-distributions of both models at every response step of every
     * continuation.
     */
    record Scored(
            List<int[]> sequences,
            List<Integer> promptLengths,
            List<Scorer.Scores> first,
            List<Scorer.Scores> second) {
        /**
         * Steps t (index into the scores) that predict a response token, at most {@code limit} per
         * sequence.
         */
        int firstStep(int i) {
            return promptLengths.get(i) - 1;
        }

        int endStep(int i, int limit) {
            // In long arithmetic: "no limit" is Integer.MAX_VALUE.
            return (int) Math.min(sequences.get(i).length - 1L, (long) firstStep(i) + limit);
        }
    }

    private SampledContinuations() {}

    /**
     * Continue every prompt with {@code sampler}, then score the sequences (EOS included, so that
     * stopping is measured too) with {@code first} and {@code second}. Prompts the sampler ended at
     * once are left out.
     */
    static Scored sampleAndScore(
            CausalLm sampler,
            CausalLm first,
            CausalLm second,
            List<int[]> prompts,
            SamplingConfig sampling) {
        List<Generator.Generation> gens = Generator.generate(sampler, prompts, sampling);
        List<int[]> seqs = new ArrayList<>();
        List<Integer> promptLengths = new ArrayList<>();
        for (Generator.Generation g : gens) {
            int extra = g.stop() == Generator.StopReason.EOS ? 1 : 0;
            int[] s = new int[g.prompt().length + g.tokens().length + extra];
            System.arraycopy(g.prompt(), 0, s, 0, g.prompt().length);
            System.arraycopy(g.tokens(), 0, s, g.prompt().length, g.tokens().length);
            if (extra == 1) {
                s[s.length - 1] = g.endId();
            }
            if (s.length > g.prompt().length) {
                seqs.add(s);
                promptLengths.add(g.prompt().length);
            }
        }
        if (seqs.isEmpty()) {
            throw new IllegalStateException("the sampling model generated nothing to measure");
        }
        return new Scored(
                seqs,
                promptLengths,
                Scorer.score(first, seqs, 0, true),
                Scorer.score(second, seqs, 0, true));
    }

    /** KL(a || b) of two full log-distributions, in nats. */
    static double kl(float[] logA, float[] logB) {
        double kl = 0;
        for (int v = 0; v < logA.length; v++) {
            kl += Math.exp(logA[v]) * (logA[v] - logB[v]);
        }
        return kl;
    }
}
