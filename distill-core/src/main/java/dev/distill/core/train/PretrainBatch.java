package dev.distill.core.train;

import java.util.Objects;

/**
 * A language-modelling batch for MiniLLM's pre-training term, with the teacher's scores on a support
 * set of every target position (top-k + tail, like a rollout) when the term mixes in the teacher.
 *
 * @param supportIds  [row * (T-1) + t] support ids for the prediction of token t+1, or null
 * @param supportLogp the teacher's log-probabilities on them, or null
 * @param tailLogMass the teacher's log tail mass per target position, or null
 */
public record PretrainBatch(TokenBatch tokens, int[][] supportIds, float[][] supportLogp, float[] tailLogMass) {
    public PretrainBatch {
        Objects.requireNonNull(tokens, "tokens");
        boolean any = supportIds != null || supportLogp != null || tailLogMass != null;
        boolean all = supportIds != null && supportLogp != null && tailLogMass != null;
        if (any && !all) {
            throw new IllegalArgumentException("teacher scores must come complete: ids, log-probs and tail");
        }
        int targets = tokens.rows() * (tokens.length() - 1);
        if (all && (supportIds.length != targets || supportLogp.length != targets || tailLogMass.length != targets)) {
            throw new IllegalArgumentException("teacher scores cover " + supportIds.length + " positions, the batch has "
                    + targets);
        }
    }

    public boolean hasTeacherScores() {
        return supportIds != null;
    }
}
