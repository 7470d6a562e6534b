package dev.distill.core.data;

import java.util.Arrays;

/**
 * One scored response, the in-memory mirror of the {@code Rollout} record on {@code
 * distill.rollouts}. Per response token t: the sampled id, log p_teacher(y_t), log
 * q_behaviour(y_t), and the teacher's log-probabilities on the support set S_t (teacher top-k union
 * behaviour top-k) with the teacher's log tail mass log(1 - sum_{S_t} p).
 *
 * @param supportKlGap the mean over the response of KL(q_old || p) over the whole vocabulary minus
 *     its support-set form, as the sampler measured it with the behaviour student; null when not
 *     measured
 * @param source where the rollout was read from (topic-partition-offset), or null in process
 */
public record Rollout(
        String rolloutId,
        String promptId,
        String runId,
        Kind kind,
        int[] promptTokens,
        int[] responseTokens,
        long behaviourVersion,
        String teacherModel,
        double alpha,
        long seed,
        float[] teacherLogProbs,
        float[] behaviourLogProbs,
        int[][] supportIds,
        float[][] supportTeacherLogProbs,
        float[] teacherTailLogMass,
        Double supportKlGap,
        String source) {

    /**
     * SAMPLED: teacher-mixed samples (MiniLLM); TEACHER: teacher samples (SeqKD); REFERENCE:
     * dataset response.
     */
    public enum Kind {
        SAMPLED,
        TEACHER,
        REFERENCE
    }

    public int length() {
        return responseTokens.length;
    }

    /**
     * Checks length, shapes, vocabulary and finiteness, so that a bad rollout is rejected by name
     * before it reaches a loss (where a NaN would silently poison a whole mini-batch, and a
     * sequence longer than the model's context would stop the trainer).
     *
     * @throws InvalidRolloutException naming the rollout and the first problem found
     */
    public void validate(int vocabSize, int nPositions) {
        int n = responseTokens.length;
        if (promptTokens.length + n > nPositions) {
            throw invalid(
                    "sequence of "
                            + (promptTokens.length + n)
                            + " positions (prompt "
                            + promptTokens.length
                            + " + response "
                            + n
                            + ") exceeds the student's n_positions "
                            + nPositions);
        }
        if (promptTokens.length == 0) {
            throw invalid("empty prompt");
        }
        if (n == 0) {
            throw invalid("empty response");
        }
        checkIds("prompt", promptTokens, vocabSize);
        checkIds("response", responseTokens, vocabSize);
        if (teacherLogProbs.length != n
                || behaviourLogProbs.length != n
                || supportIds.length != n
                || supportTeacherLogProbs.length != n
                || teacherTailLogMass.length != n) {
            throw invalid("per-token arrays do not all have the response length " + n);
        }
        // A diagnostic, not a training input: it may be slightly negative when a recorded tail mass
        // below double precision (1 - sum of the support) overstates the tail bucket's term, so
        // only finiteness is required.
        if (supportKlGap != null && !Double.isFinite(supportKlGap)) {
            throw invalid("support-set KL gap " + supportKlGap + " is not a finite number");
        }
        if (!(alpha >= 0 && alpha <= 1)) {
            throw invalid("alpha " + alpha + " is outside [0, 1]");
        }
        for (int t = 0; t < n; t++) {
            checkLogProb("teacher log-prob", teacherLogProbs[t], t);
            checkLogProb("behaviour log-prob", behaviourLogProbs[t], t);
            checkLogProb("teacher tail log-mass", teacherTailLogMass[t], t);
            if (supportIds[t].length != supportTeacherLogProbs[t].length) {
                throw invalid("support ids and scores differ in length at token " + t);
            }
            checkIds("support at token " + t, supportIds[t], vocabSize);
            for (float lp : supportTeacherLogProbs[t]) {
                checkLogProb("support teacher log-prob", lp, t);
            }
        }
    }

    private void checkIds(String what, int[] ids, int vocabSize) {
        for (int id : ids) {
            if (id < 0 || id >= vocabSize) {
                throw invalid(
                        what + " token id " + id + " is outside the vocabulary of " + vocabSize);
            }
        }
    }

    private void checkLogProb(String what, float v, int t) {
        if (!Float.isFinite(v) || v > 1e-4f) {
            throw invalid(
                    what + " at token " + t + " is " + v + " (must be a finite log-probability)");
        }
    }

    private InvalidRolloutException invalid(String why) {
        return new InvalidRolloutException(
                rolloutId, why + (source == null ? "" : " (from " + source + ")"));
    }

    @Override
    public String toString() {
        return "Rollout["
                + rolloutId
                + ", prompt "
                + Arrays.toString(promptTokens)
                + ", response "
                + Arrays.toString(responseTokens)
                + ", behaviour v"
                + behaviourVersion
                + "]";
    }
}
