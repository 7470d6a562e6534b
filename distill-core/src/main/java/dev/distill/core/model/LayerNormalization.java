package dev.distill.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.LayerNorm;

/** LayerNorm over the last (channel) axis, with weight and bias (GPT-2, OPT). */
final class LayerNormalization implements Norm {
    final NDArray weight;
    final NDArray bias;
    private final Shape normalized;
    private final float eps;

    LayerNormalization(Parameters p, String name, int channels, double eps) {
        this.weight = p.constant(name + ".weight", new Shape(channels), 1f);
        this.bias = p.constant(name + ".bias", new Shape(channels), 0f);
        this.normalized = new Shape(channels);
        this.eps = (float) eps;
    }

    @Override
    public NDArray forward(NDArray x) {
        return LayerNorm.layerNorm(x, normalized, weight, bias, eps).singletonOrThrow(); // (..., C)
    }
}
