package dev.distill.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;

/** GPT-2's feed-forward: C -> inner -> tanh-GELU -> C. */
final class GeluMlp implements Mlp {
    private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);

    private final Dense cFc;
    private final Dense cProj;

    GeluMlp(Parameters p, String name, ModelConfig cfg) {
        this.cFc = new Dense(p, name + "c_fc", cfg.hidden(), cfg.intermediate(), 0.02);
        this.cProj =
                new Dense(
                        p,
                        name + "c_proj",
                        cfg.intermediate(),
                        cfg.hidden(),
                        0.02 / Math.sqrt(2.0 * cfg.nLayer()));
    }

    @Override
    public NDArray forward(NDArray x) {
        return cProj.forward(geluTanh(cFc.forward(x))); // (B, T, C)
    }

    /**
     * GPT-2's GELU: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), written as the equal x *
     * sigmoid(2 sqrt(2/pi) x (1 + 0.044715 x^2)) to save two passes. PyTorch's plain gelu is the
     * erf form and would not match GPT-2 weights. Scalars are arrays of the step so the autograd
     * graph never references a freed tensor.
     */
    static NDArray geluTanh(NDArray x) {
        NDManager m = x.getManager();
        NDArray k1 = m.create((float) (2 * SQRT_2_OVER_PI * 0.044715)); // ()
        NDArray k0 = m.create((float) (2 * SQRT_2_OVER_PI)); // ()
        NDArray z = x.square().mul(k1).add(k0).mul(x); // (B, T, 4C)
        return Activation.sigmoid(z).mul(x); // (B, T, 4C)
    }
}
