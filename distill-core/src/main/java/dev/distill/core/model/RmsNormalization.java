package dev.distill.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** RMSNorm over the last axis, weight only: x / sqrt(mean(x^2) + eps) * w (the Llama family). */
final class RmsNormalization implements Norm {
    final NDArray weight;
    private final float eps;

    RmsNormalization(Parameters p, String name, int channels, double eps) {
        this.weight = p.constant(name + ".weight", new Shape(channels), 1f);
        this.eps = (float) eps;
    }

    @Override
    public NDArray forward(NDArray x) {
        NDManager m = x.getManager();
        NDArray eps = m.full(new Shape(), this.eps); // () an array of the step, see Mlp
        NDArray ms = x.square().mean(new int[] {-1}, true); // (..., 1)
        return x.div(ms.add(eps).sqrt()).mul(weight); // (..., C)
    }
}
