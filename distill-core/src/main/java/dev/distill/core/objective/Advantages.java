package dev.distill.core.objective;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The sampler-side quantities of MiniLLM, all computed from recorded rollout scores (no gradient):
 * per-token rewards, discounted returns, length normalisation, whitening and the importance weights
 * of teacher-mixed sampling. Shapes: (B, T) with mask m = 1 on real response tokens.
 */
public final class Advantages {
    private Advantages() {}

    /** r_t = clip((log p(y_t) - log q_old(y_t)) / scale, -clip, clip) * m_t. */
    public static NDArray rewards(
            NDArray logp, NDArray logqOld, NDArray mask, double scale, double clip) {
        return logp.sub(logqOld).div(Scalars.of(logp, scale)).clip(-clip, clip).mul(mask); // (B, T)
    }

    /**
     * R_t = sum_{k >= 0} gamma^k r_{t+k}, as one product with the (T, T) discount matrix G[k, t] =
     * gamma^(k - t) for k >= t, so no per-position loop runs on the engine.
     */
    public static NDArray discountedReturns(NDArray rewards, double gamma) {
        int t = Math.toIntExact(rewards.getShape().get(1));
        double[] g = new double[t * t];
        for (int k = 0; k < t; k++) {
            for (int j = 0; j <= k; j++) {
                g[k * t + j] = Math.pow(gamma, k - j);
            }
        }
        NDManager m = rewards.getManager();
        NDArray discount =
                m.create(g, new Shape(t, t)).toType(rewards.getDataType(), false); // (T, T)
        return rewards.matMul(discount); // (B, T)
    }

    /** N_t = R_t / (number of real tokens from t to the end, t included); 1 on padding. */
    public static NDArray lengthNormalised(NDArray returns, NDArray mask) {
        NDArray cumulative = mask.cumSum(1); // (B, T)
        NDArray total = mask.sum(new int[] {1}, true); // (B, 1)
        NDArray remaining = mask.sub(cumulative).add(total); // (B, T)
        NDArray one = Scalars.of(remaining, 1);
        remaining =
                remaining.add(
                        remaining
                                .eq(Scalars.of(remaining, 0))
                                .toType(remaining.getDataType(), false)
                                .mul(one)); // (B, T) 0 -> 1
        return returns.div(remaining); // (B, T)
    }

    /** (x - mean) / sqrt(var + eps) over the real tokens only (unbiased variance), 0 on padding. */
    public static NDArray whiten(NDArray x, NDArray mask, double eps) {
        NDArray n = mask.sum(); // ()
        if (n.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble() < 2) {
            throw new IllegalArgumentException(
                    "whitening needs at least 2 real tokens in the batch");
        }
        NDArray mean = x.mul(mask).sum().div(n); // ()
        NDArray centred = x.sub(mean).mul(mask); // (B, T)
        NDArray var = centred.square().sum().div(n.sub(Scalars.of(n, 1))); // ()
        return centred.div(var.add(Scalars.of(var, eps)).sqrt()); // (B, T)
    }

    /**
     * w_t = q_old(y_t) / p~(y_t) with p~ = alpha p + (1 - alpha) q_old: corrects for sampling from
     * the teacher mix instead of the student. Computed in log space: log q_old - log(mix).
     */
    public static NDArray importanceWeights(NDArray logp, NDArray logqOld, double alpha) {
        return importanceWeights(logp, logqOld, Scalars.of(logp, alpha));
    }

    /**
     * As above with a per-row mixing weight: alpha (B, 1), for batches from differently configured
     * samplers.
     */
    public static NDArray importanceWeights(NDArray logp, NDArray logqOld, NDArray alpha) {
        NDArray mix =
                logp.exp()
                        .mul(alpha)
                        .add(logqOld.exp().mul(Scalars.of(alpha, 1).sub(alpha))); // (B, T)
        return logqOld.sub(mix.log()).exp(); // (B, T)
    }
}
