package dev.distill.core.objective;

import ai.djl.ndarray.NDArray;

/**
 * The pre-training term L_pt = (1 - kd) CE + kd * cross-entropy to the teacher, over real tokens.
 */
public final class PretrainLoss {
    private PretrainLoss() {}

    /** Mean negative log-likelihood of {@code labels} (B, T) where mask (B, T) is 1. */
    public static NDArray crossEntropy(NDArray logits, NDArray labels, NDArray mask) {
        NDArray picked = PolicyLoss.tokenLogProbs(logits, labels); // (B, T)
        return picked.mul(mask).sum().neg().div(mask.sum()); // ()
    }

    /**
     * (1 - kd) CE + kd distil, where {@code distilPerPosition} is the teacher cross-entropy (B, T).
     */
    public static NDArray mixed(NDArray ce, NDArray distilPerPosition, NDArray mask, double kd) {
        NDArray distil = Divergences.tokenMean(distilPerPosition, mask); // ()
        return ce.mul(Scalars.of(ce, 1 - kd)).add(distil.mul(Scalars.of(distil, kd))); // ()
    }
}
