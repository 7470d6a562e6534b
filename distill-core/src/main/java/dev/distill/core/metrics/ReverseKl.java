package dev.distill.core.metrics;

import dev.distill.core.generation.Generator;
import dev.distill.core.generation.SamplingConfig;
import dev.distill.core.generation.Scorer;
import dev.distill.core.model.Gpt;

import java.util.ArrayList;
import java.util.List;

/**
 * Reverse KL from the student to the teacher on the student's own samples: the quantity MiniLLM
 * minimises, measured per response token (exact, over the full vocabulary).
 */
public final class ReverseKl {
    private ReverseKl() {}

    /** Mean over generated tokens of KL(q(.|y<t, x) || p(.|y<t, x)); EOS predictions included. */
    public static double onStudentSamples(Gpt student, Gpt teacher, List<int[]> prompts, SamplingConfig sampling) {
        List<Generator.Generation> gens = Generator.generate(student, prompts, sampling);
        List<int[]> seqs = new ArrayList<>();
        List<Integer> promptLengths = new ArrayList<>();
        for (Generator.Generation g : gens) {
            int extra = g.stop() == Generator.StopReason.EOS ? 1 : 0;
            int[] s = new int[g.prompt().length + g.tokens().length + extra];
            System.arraycopy(g.prompt(), 0, s, 0, g.prompt().length);
            System.arraycopy(g.tokens(), 0, s, g.prompt().length, g.tokens().length);
            if (extra == 1) {
                s[s.length - 1] = sampling.eosId();
            }
            if (s.length > g.prompt().length) {
                seqs.add(s);
                promptLengths.add(g.prompt().length);
            }
        }
        if (seqs.isEmpty()) {
            throw new IllegalStateException("the student generated nothing to measure");
        }
        List<Scorer.Scores> q = Scorer.score(student, seqs, 0, true);
        List<Scorer.Scores> p = Scorer.score(teacher, seqs, 0, true);
        double sum = 0;
        long n = 0;
        for (int i = 0; i < seqs.size(); i++) {
            // Position t predicts token t + 1: response tokens start at the prompt length.
            for (int t = promptLengths.get(i) - 1; t < seqs.get(i).length - 1; t++) {
                float[] lq = q.get(i).full()[t];
                float[] lp = p.get(i).full()[t];
                double kl = 0;
                for (int v = 0; v < lq.length; v++) {
                    kl += Math.exp(lq[v]) * (lq[v] - lp[v]);
                }
                sum += kl;
                n++;
            }
        }
        return sum / n;
    }
}
