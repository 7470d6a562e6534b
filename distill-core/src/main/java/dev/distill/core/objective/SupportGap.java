package dev.distill.core.objective;

/**
 * How much of the exact single-step reverse KL the support set plus tail bucket misses at one
 * position: KL(q || p) over the whole vocabulary minus its bucketed form (>= 0 by the log-sum
 * inequality, up to the rounding of tail masses computed as 1 - sum of the support, exactly as the
 * trainer's buckets take them). The sampler has both full distributions at every position it
 * samples, so it reports the gap at the behaviour student, where the trainer's first step evaluates
 * the regulariser.
 */
public final class SupportGap {
    private SupportGap() {}

    /**
     * @param lq the student's log-probabilities over the vocabulary
     * @param lp the teacher's
     * @param support the ids of S_t (distinct)
     */
    public static double at(double[] lq, double[] lp, int[] support) {
        double exact = 0;
        for (int v = 0; v < lq.length; v++) {
            double q = Math.exp(lq[v]);
            if (q > 0) {
                exact += q * (lq[v] - lp[v]);
            }
        }
        double onSupport = 0;
        double qMass = 0;
        double pMass = 0;
        for (int v : support) {
            double q = Math.exp(lq[v]);
            if (q > 0) {
                onSupport += q * (lq[v] - lp[v]);
            }
            qMass += q;
            pMass += Math.exp(lp[v]);
        }
        // The same clamps as the trainer's buckets and the sampler's recorded tail.
        double qTail = Math.max(1 - qMass, 1e-30);
        double pTail = Math.max(1 - pMass, 1e-30);
        return exact - onSupport - qTail * (Math.log(qTail) - Math.log(pTail));
    }
}
