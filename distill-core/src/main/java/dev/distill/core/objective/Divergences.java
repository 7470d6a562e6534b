package dev.distill.core.objective;

import ai.djl.ndarray.NDArray;

/**
 * Per-position divergences between the student q (from logits) and the teacher p (from
 * log-probabilities), each (B, T); {@link #tokenMean} reduces them over real tokens. The MiniLLM
 * regulariser is {@link #reverseKl} (exact) or {@link #reverseKlOnSupport} (what a rollout's
 * top-k scores allow); the rest serve the baseline objectives.
 */
public final class Divergences {
    private Divergences() {}

    /** sum_t m_t x_t / sum_t m_t. */
    public static NDArray tokenMean(NDArray perPosition, NDArray mask) {
        return perPosition.mul(mask).sum().div(mask.sum());                                    // ()
    }

    /** KL(q || p) = sum_v q (log q - log p). */
    public static NDArray reverseKl(NDArray studentLogits, NDArray teacherLogProbs) {
        NDArray lq = studentLogits.logSoftmax(-1);                                             // (B, T, V)
        return lq.exp().mul(lq.sub(teacherLogProbs)).sum(new int[] {-1});                     // (B, T)
    }

    /** KL(p || q) = sum_v p (log p - log q). */
    public static NDArray forwardKl(NDArray studentLogits, NDArray teacherLogProbs) {
        NDArray lq = studentLogits.logSoftmax(-1);                                             // (B, T, V)
        return teacherLogProbs.exp().mul(teacherLogProbs.sub(lq)).sum(new int[] {-1});         // (B, T)
    }

    /** Generalised JSD: beta KL(p || m) + (1 - beta) KL(q || m), m = beta p + (1 - beta) q. */
    public static NDArray jsd(NDArray studentLogits, NDArray teacherLogProbs, double beta) {
        NDArray lq = studentLogits.logSoftmax(-1);                                             // (B, T, V)
        NDArray q = lq.exp();                                                                  // (B, T, V)
        NDArray p = teacherLogProbs.exp();                                                     // (B, T, V)
        NDArray lm = p.mul(Scalars.of(p, beta)).add(q.mul(Scalars.of(q, 1 - beta))).log();    // (B, T, V)
        NDArray toP = p.mul(teacherLogProbs.sub(lm)).sum(new int[] {-1});                      // (B, T)
        NDArray toQ = q.mul(lq.sub(lm)).sum(new int[] {-1});                                   // (B, T)
        return toP.mul(Scalars.of(toP, beta)).add(toQ.mul(Scalars.of(toQ, 1 - beta)));         // (B, T)
    }

    /** Skew forward KL (DistiLLM): KL(p || a p + (1 - a) q). */
    public static NDArray skewForwardKl(NDArray studentLogits, NDArray teacherLogProbs, double a) {
        NDArray q = studentLogits.softmax(-1);                                                 // (B, T, V)
        NDArray p = teacherLogProbs.exp();                                                     // (B, T, V)
        NDArray lm = p.mul(Scalars.of(p, a)).add(q.mul(Scalars.of(q, 1 - a))).log();          // (B, T, V)
        return p.mul(teacherLogProbs.sub(lm)).sum(new int[] {-1});                             // (B, T)
    }

    /** Skew reverse KL (DistiLLM): KL(q || a q + (1 - a) p). */
    public static NDArray skewReverseKl(NDArray studentLogits, NDArray teacherLogProbs, double a) {
        NDArray lq = studentLogits.logSoftmax(-1);                                             // (B, T, V)
        NDArray q = lq.exp();                                                                  // (B, T, V)
        NDArray p = teacherLogProbs.exp();                                                     // (B, T, V)
        NDArray lm = q.mul(Scalars.of(q, a)).add(p.mul(Scalars.of(p, 1 - a))).log();          // (B, T, V)
        return q.mul(lq.sub(lm)).sum(new int[] {-1});                                          // (B, T)
    }

    /**
     * KL(q || p) restricted to a support set S plus one tail bucket for everything outside it:
     * sum_{v in S} q (log q - log p) + q_tail (log q_tail - log p_tail). Exact when S is the whole
     * vocabulary; otherwise a lower bound (the log-sum inequality), whose gap is worth reporting.
     *
     * @param supportIds        (B, T, K) token ids of S_t, padded where |S_t| < K
     * @param supportValid      (B, T, K) 1 for real members of S_t, 0 for padding
     * @param teacherLogProbs   (B, T, K) log p on S_t (any finite value on padding)
     * @param teacherTailLogMass (B, T) log(1 - sum_{S_t} p)
     */
    public static NDArray reverseKlOnSupport(NDArray studentLogits, NDArray supportIds, NDArray supportValid,
                                             NDArray teacherLogProbs, NDArray teacherTailLogMass) {
        NDArray lq = studentLogits.logSoftmax(-1).gather(supportIds, -1);                     // (B, T, K)
        NDArray q = lq.exp().mul(supportValid);                                                // (B, T, K)
        NDArray onSupport = q.mul(lq.sub(teacherLogProbs)).sum(new int[] {-1});                // (B, T)
        NDArray qTail = Scalars.of(q, 1).sub(q.sum(new int[] {-1})).maximum(Scalars.of(q, 1e-30)); // (B, T)
        return onSupport.add(qTail.mul(qTail.log().sub(teacherTailLogMass)));                  // (B, T)
    }

    /**
     * Cross-entropy to the teacher on a support set plus tail: -(sum_{v in S} p log q + p_tail log q_tail),
     * the "distil" half of the pre-training term (exact forward-KL gradient when S is everything).
     */
    public static NDArray teacherCrossEntropyOnSupport(NDArray studentLogits, NDArray supportIds, NDArray supportValid,
                                                       NDArray teacherLogProbs, NDArray teacherTailLogMass) {
        NDArray lq = studentLogits.logSoftmax(-1).gather(supportIds, -1);                     // (B, T, K)
        NDArray q = lq.exp().mul(supportValid);                                                // (B, T, K)
        NDArray p = teacherLogProbs.exp().mul(supportValid);                                   // (B, T, K)
        NDArray qTail = Scalars.of(q, 1).sub(q.sum(new int[] {-1})).maximum(Scalars.of(q, 1e-30)); // (B, T)
        NDArray onSupport = p.mul(lq).sum(new int[] {-1});                                     // (B, T)
        return onSupport.add(teacherTailLogMass.exp().mul(qTail.log())).neg();                 // (B, T)
    }
}
