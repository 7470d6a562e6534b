package dev.distill.core.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.distill.core.objective.TeacherSupport;
import java.util.Objects;

/**
 * A language-modelling batch for MiniLLM's pre-training term, with the teacher's scores on a
 * support set of every target position (top-k + tail, like a rollout) when the term mixes in the
 * teacher.
 *
 * @param supportIds [row * (T-1) + t] support ids for the prediction of token t+1, or null
 * @param supportLogp the teacher's log-probabilities on them, or null
 * @param tailLogMass the teacher's log tail mass per target position, or null
 */
public record PretrainBatch(
        TokenBatch tokens, int[][] supportIds, float[][] supportLogp, float[] tailLogMass) {
    public PretrainBatch {
        Objects.requireNonNull(tokens, "tokens");
        boolean any = supportIds != null || supportLogp != null || tailLogMass != null;
        boolean all = supportIds != null && supportLogp != null && tailLogMass != null;
        if (any && !all) {
            throw new IllegalArgumentException(
                    "teacher scores must come complete: ids, log-probs and tail");
        }
        int targets = tokens.rows() * (tokens.length() - 1);
        if (all
                && (supportIds.length != targets
                        || supportLogp.length != targets
                        || tailLogMass.length != targets)) {
            throw new IllegalArgumentException(
                    "teacher scores cover "
                            + supportIds.length
                            + " positions, the batch has "
                            + targets);
        }
    }

    public boolean hasTeacherScores() {
        return supportIds != null;
    }

    /**
     * The teacher's scores as tensors on {@code m}: ids padded to the widest support, (B, T-1, K).
     */
    public TeacherSupport teacherSupport(NDManager m) {
        int b = tokens.rows();
        int tp = tokens.length() - 1;
        int k = 1;
        for (int[] s : supportIds) {
            k = Math.max(k, s.length);
        }
        long[] ids = new long[b * tp * k];
        float[] valid = new float[b * tp * k];
        float[] lp = new float[b * tp * k];
        for (int i = 0; i < b * tp; i++) {
            for (int j = 0; j < supportIds[i].length; j++) {
                ids[i * k + j] = supportIds[i][j];
                valid[i * k + j] = 1f;
                lp[i * k + j] = supportLogp[i][j];
            }
        }
        Shape shape = new Shape(b, tp, k);
        return new TeacherSupport(
                m.create(ids, shape),
                m.create(valid, shape),
                m.create(lp, shape),
                m.create(tailLogMass, new Shape(b, tp)));
    }
}
