package dev.distill.core.metrics;

import dev.distill.core.generation.SamplingConfig;
import dev.distill.core.model.CausalLm;
import java.util.List;

/**
 * Exposure bias as the MiniLLM paper measures it (ExAccErr, after Arora et al. 2022), with the
 * teacher p as the oracle: the per-step error is the forward KL(p || q_student) of the next-token
 * distributions. On prefixes the student sampled itself it accumulates to R(l); on prefixes the
 * teacher sampled it is the teacher-forced error l * eps(l). ExAccErr(l) = (R(l) - l eps(l)) / (l
 * eps(l)) x 100: the error added by conditioning on one's own outputs. Responses that stop before l
 * steps contribute the steps they have, so both sides are per-step means over the first l steps.
 */
public final class ExposureBias {
    private ExposureBias() {}

    /**
     * @param regretPerStep mean KL(p || q) per step on student-sampled prefixes (R(l) / l)
     * @param errorPerStep mean KL(p || q) per step on teacher-sampled prefixes (eps(l))
     * @param exAccErrPercent (regret - error) / error x 100
     */
    public record Result(
            int steps, double regretPerStep, double errorPerStep, double exAccErrPercent) {}

    /** Samples at temperature 1 (no truncation) for {@code steps} tokens at most, seeded. */
    public static Result measure(
            CausalLm student,
            CausalLm teacher,
            List<int[]> prompts,
            int steps,
            int eosId,
            long seed) {
        if (steps < 1) {
            throw new IllegalArgumentException("ExAccErr needs at least one step, got " + steps);
        }
        if (student.config().vocabSize() != teacher.config().vocabSize()) {
            throw new IllegalArgumentException(
                    "student vocabulary "
                            + student.config().vocabSize()
                            + " differs from the teacher's "
                            + teacher.config().vocabSize());
        }
        SamplingConfig sampling = new SamplingConfig(1, 0, 1, 0, steps, eosId, seed);
        double regret =
                forwardKlPerStep(
                        SampledContinuations.sampleAndScore(
                                student, teacher, student, prompts, sampling),
                        steps);
        double error =
                forwardKlPerStep(
                        SampledContinuations.sampleAndScore(
                                teacher, teacher, student, prompts, sampling),
                        steps);
        if (!(error > 0)) {
            throw new IllegalStateException(
                    "the student matches the teacher exactly on teacher prefixes (error "
                            + error
                            + "); ExAccErr is undefined");
        }
        return new Result(steps, regret, error, (regret - error) / error * 100);
    }

    private static double forwardKlPerStep(SampledContinuations.Scored s, int steps) {
        double sum = 0;
        long n = 0;
        for (int i = 0; i < s.sequences().size(); i++) {
            for (int t = s.firstStep(i); t < s.endStep(i, steps); t++) {
                sum +=
                        SampledContinuations.kl(
                                s.first().get(i).full()[t], s.second().get(i).full()[t]);
                n++;
            }
        }
        if (n == 0) {
            throw new IllegalStateException("no response step was measured; ExAccErr is undefined");
        }
        return sum / n;
    }
}
