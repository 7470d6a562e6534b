package dev.distill.core.objective;

import ai.djl.ndarray.NDArray;

/** The trainer-side policy-gradient term of MiniLLM (PPO-clipped). */
public final class PolicyLoss {
    private PolicyLoss() {}

    /** log-probabilities of the given ids: (B, T, V) logits, (B, T) ids to (B, T). */
    public static NDArray tokenLogProbs(NDArray logits, NDArray ids) {
        return logits.logSoftmax(-1).gather(ids.expandDims(-1), -1).squeeze(-1); // (B, T)
    }

    /** rho_t = exp((log q_theta(y_t) - log q_old(y_t)) m_t) * w_t. */
    public static NDArray ratio(NDArray logqCur, NDArray logqOld, NDArray w, NDArray mask) {
        return logqCur.sub(logqOld).mul(mask).exp().mul(w); // (B, T)
    }

    /** L_pg = sum_t m_t max(-A_t rho_t, -A_t clip(rho_t, 1 - c, 1 + c)) / sum m. */
    public static NDArray loss(NDArray advantages, NDArray ratio, NDArray mask, double clipRange) {
        NDArray negA = advantages.neg(); // (B, T)
        NDArray unclipped = negA.mul(ratio); // (B, T)
        NDArray clipped = negA.mul(ratio.clip(1 - clipRange, 1 + clipRange)); // (B, T)
        return unclipped.maximum(clipped).mul(mask).sum().div(mask.sum()); // ()
    }
}
