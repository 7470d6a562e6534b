package dev.distill.core.objective;

import ai.djl.ndarray.NDArray;

/**
 * The teacher's scores as a rollout or a scored corpus batch records them: per position the ids of
 * the support set S_t (padded to K), which slots are real, the teacher's log-probabilities on them
 * and its log tail mass log(1 - sum_{S_t} p).
 *
 * @param ids (B, T, K) int64
 * @param valid (B, T, K) 1 on real members of S_t
 * @param logProbs (B, T, K) log p on S_t
 * @param tailLogMass (B, T)
 */
public record TeacherSupport(NDArray ids, NDArray valid, NDArray logProbs, NDArray tailLogMass) {

    /** The student's and the teacher's distributions coarsened to S_t plus the tail bucket. */
    public SupportBuckets buckets(NDArray studentLogits) {
        return SupportBuckets.of(studentLogits, ids, valid, logProbs, tailLogMass);
    }
}
