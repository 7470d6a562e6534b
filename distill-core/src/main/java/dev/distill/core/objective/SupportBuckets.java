package dev.distill.core.objective;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Student and teacher distributions coarsened to what a rollout records: the K ids of the support
 * set S_t plus one tail bucket for the rest of the vocabulary. Every divergence on these K + 1
 * buckets is exact when S_t is the whole vocabulary and otherwise a lower bound (the log-sum
 * inequality); the gap is a reported metric. Slots beyond |S_t| are padding ({@code valid} = 0) and
 * contribute nothing.
 *
 * @param lq (B, T, K+1) student log-probabilities of the buckets (0 on padding)
 * @param lp (B, T, K+1) teacher log-probabilities of the buckets (0 on padding)
 * @param valid (B, T, K+1) 1 on real buckets
 */
public record SupportBuckets(NDArray lq, NDArray lp, NDArray valid) {

    /**
     * @param studentLogits (B, T, V)
     * @param supportIds (B, T, K) int64, padded where |S_t| < K
     * @param supportValid (B, T, K) 1 for real members of S_t
     * @param teacherLogProbs (B, T, K) log p on S_t (any finite value on padding)
     * @param teacherTailLogMass (B, T) log(1 - sum_{S_t} p)
     */
    public static SupportBuckets of(
            NDArray studentLogits,
            NDArray supportIds,
            NDArray supportValid,
            NDArray teacherLogProbs,
            NDArray teacherTailLogMass) {
        NDArray lqS =
                studentLogits.logSoftmax(-1).gather(supportIds, -1).mul(supportValid); // (B, T, K)
        NDArray qS = lqS.exp().mul(supportValid); // (B, T, K)
        NDArray qTail =
                Scalars.of(qS, 1)
                        .sub(qS.sum(new int[] {-1}))
                        .maximum(Scalars.of(qS, 1e-30)); // (B, T)
        NDManager m = studentLogits.getManager();
        Shape s = supportValid.getShape();
        NDArray one =
                m.ones(new Shape(s.get(0), s.get(1), 1), supportValid.getDataType()); // (B, T, 1)
        NDArray lq = lqS.concat(qTail.log().expandDims(-1), -1); // (B, T, K+1)
        NDArray lp =
                teacherLogProbs
                        .mul(supportValid)
                        .concat(teacherTailLogMass.expandDims(-1), -1); // (B, T, K+1)
        NDArray valid = supportValid.concat(one, -1); // (B, T, K+1)
        return new SupportBuckets(lq, lp, valid);
    }

    /**
     * The whole vocabulary as the support (exact divergences); for tests and small vocabularies.
     */
    public static SupportBuckets exact(NDArray studentLogits, NDArray teacherLogProbs) {
        NDManager m = studentLogits.getManager();
        Shape s = teacherLogProbs.getShape();
        NDArray ids = m.arange(0, (int) s.get(2), 1, DataType.INT64).broadcast(s); // (B, T, V)
        NDArray valid = m.ones(s, teacherLogProbs.getDataType()); // (B, T, V)
        NDArray tail =
                Scalars.of(teacherLogProbs, 1e-30)
                        .log()
                        .broadcast(new Shape(s.get(0), s.get(1))); // (B, T)
        return of(studentLogits, ids, valid, teacherLogProbs, tail);
    }

    private NDArray q() {
        return lq.exp().mul(valid); // (B, T, K+1)
    }

    private NDArray p() {
        return lp.exp().mul(valid); // (B, T, K+1)
    }

    /** log of a mixture, with padding slots mapped to log 1 = 0 so that 0 * log stays 0. */
    private NDArray logMix(NDArray a, double wa, NDArray b, double wb) {
        NDArray pad = Scalars.of(valid, 1).sub(valid); // (B, T, K+1)
        return a.mul(Scalars.of(a, wa)).add(b.mul(Scalars.of(b, wb))).add(pad).log(); // (B, T, K+1)
    }

    /** KL(q || p): the MiniLLM single-step regulariser. (B, T) */
    public NDArray reverseKl() {
        return q().mul(lq.sub(lp)).sum(new int[] {-1});
    }

    /** KL(p || q): word-level KD. (B, T) */
    public NDArray forwardKl() {
        return p().mul(lp.sub(lq)).sum(new int[] {-1});
    }

    /**
     * -sum p log q: the distil half of the pre-training term (forward KL minus the teacher
     * entropy). (B, T)
     */
    public NDArray teacherCrossEntropy() {
        return p().mul(lq).sum(new int[] {-1}).neg();
    }

    /** beta KL(p || m) + (1 - beta) KL(q || m), m = beta p + (1 - beta) q (GKD). (B, T) */
    public NDArray jsd(double beta) {
        NDArray p = p();
        NDArray q = q();
        NDArray lm = logMix(p, beta, q, 1 - beta); // (B, T, K+1)
        NDArray toP = p.mul(lp.sub(lm)).sum(new int[] {-1}); // (B, T)
        NDArray toQ = q.mul(lq.sub(lm)).sum(new int[] {-1}); // (B, T)
        return toP.mul(Scalars.of(toP, beta)).add(toQ.mul(Scalars.of(toQ, 1 - beta))); // (B, T)
    }

    /** KL(p || a p + (1 - a) q) (DistiLLM skew forward KL). (B, T) */
    public NDArray skewForwardKl(double a) {
        NDArray p = p();
        return p.mul(lp.sub(logMix(p, a, q(), 1 - a))).sum(new int[] {-1});
    }

    /** KL(q || a q + (1 - a) p) (DistiLLM skew reverse KL). (B, T) */
    public NDArray skewReverseKl(double a) {
        NDArray q = q();
        return q.mul(lq.sub(logMix(q, a, p(), 1 - a))).sum(new int[] {-1});
    }
}
