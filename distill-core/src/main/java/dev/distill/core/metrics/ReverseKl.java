package dev.distill.core.metrics;

import dev.distill.core.generation.SamplingConfig;
import dev.distill.core.model.CausalLm;
import java.util.List;

/**
 * Reverse KL from the student to the teacher on the student's own samples: the quantity MiniLLM
 * minimises, measured per response token (exact, over the full vocabulary).
 */
public final class ReverseKl {
    private ReverseKl() {}

    /** Mean over generated tokens of KL(q(.|y<t, x) || p(.|y<t, x)); EOS predictions included. */
    public static double onStudentSamples(
            CausalLm student, CausalLm teacher, List<int[]> prompts, SamplingConfig sampling) {
        SampledContinuations.Scored s =
                SampledContinuations.sampleAndScore(student, student, teacher, prompts, sampling);
        double sum = 0;
        long n = 0;
        for (int i = 0; i < s.sequences().size(); i++) {
            for (int t = s.firstStep(i); t < s.endStep(i, Integer.MAX_VALUE); t++) {
                sum +=
                        SampledContinuations.kl(
                                s.first().get(i).full()[t], s.second().get(i).full()[t]);
                n++;
            }
        }
        if (n == 0) {
            throw new IllegalStateException(
                    "no response step was measured; a reverse KL of nothing is undefined");
        }
        return sum / n;
    }
}
