package dev.distill.core.objective;

import ai.djl.ndarray.NDArray;

/**
 * Per-position divergences between the student q (from logits) and the teacher p (from
 * log-probabilities over the whole vocabulary), each (B, T); {@link #tokenMean} reduces them over
 * real tokens. {@link SupportBuckets} computes the same divergences from what a rollout records (a
 * support set plus a tail bucket).
 */
public final class Divergences {
    private Divergences() {}

    /** sum_t m_t x_t / sum_t m_t. */
    public static NDArray tokenMean(NDArray perPosition, NDArray mask) {
        return perPosition.mul(mask).sum().div(mask.sum()); // ()
    }

    /** KL(q || p) = sum_v q (log q - log p). */
    public static NDArray reverseKl(NDArray studentLogits, NDArray teacherLogProbs) {
        NDArray lq = studentLogits.logSoftmax(-1); // (B, T, V)
        return lq.exp().mul(lq.sub(teacherLogProbs)).sum(new int[] {-1}); // (B, T)
    }

    /** KL(p || q) = sum_v p (log p - log q). */
    public static NDArray forwardKl(NDArray studentLogits, NDArray teacherLogProbs) {
        NDArray lq = studentLogits.logSoftmax(-1); // (B, T, V)
        return teacherLogProbs.exp().mul(teacherLogProbs.sub(lq)).sum(new int[] {-1}); // (B, T)
    }

    /** Generalised JSD: beta KL(p || m) + (1 - beta) KL(q || m), m = beta p + (1 - beta) q. */
    public static NDArray jsd(NDArray studentLogits, NDArray teacherLogProbs, double beta) {
        NDArray lq = studentLogits.logSoftmax(-1); // (B, T, V)
        NDArray q = lq.exp(); // (B, T, V)
        NDArray p = teacherLogProbs.exp(); // (B, T, V)
        NDArray lm =
                p.mul(Scalars.of(p, beta)).add(q.mul(Scalars.of(q, 1 - beta))).log(); // (B, T, V)
        NDArray toP = p.mul(teacherLogProbs.sub(lm)).sum(new int[] {-1}); // (B, T)
        NDArray toQ = q.mul(lq.sub(lm)).sum(new int[] {-1}); // (B, T)
        return toP.mul(Scalars.of(toP, beta)).add(toQ.mul(Scalars.of(toQ, 1 - beta))); // (B, T)
    }

    /** Skew forward KL (DistiLLM): KL(p || a p + (1 - a) q). */
    public static NDArray skewForwardKl(NDArray studentLogits, NDArray teacherLogProbs, double a) {
        NDArray q = studentLogits.softmax(-1); // (B, T, V)
        NDArray p = teacherLogProbs.exp(); // (B, T, V)
        NDArray lm = p.mul(Scalars.of(p, a)).add(q.mul(Scalars.of(q, 1 - a))).log(); // (B, T, V)
        return p.mul(teacherLogProbs.sub(lm)).sum(new int[] {-1}); // (B, T)
    }

    /** Skew reverse KL (DistiLLM): KL(q || a q + (1 - a) p). */
    public static NDArray skewReverseKl(NDArray studentLogits, NDArray teacherLogProbs, double a) {
        NDArray lq = studentLogits.logSoftmax(-1); // (B, T, V)
        NDArray q = lq.exp(); // (B, T, V)
        NDArray p = teacherLogProbs.exp(); // (B, T, V)
        NDArray lm = q.mul(Scalars.of(q, a)).add(p.mul(Scalars.of(p, 1 - a))).log(); // (B, T, V)
        return q.mul(lq.sub(lm)).sum(new int[] {-1}); // (B, T)
    }
}
