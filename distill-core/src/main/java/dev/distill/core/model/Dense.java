package dev.distill.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;

/**
 * An affine (or, without bias, linear) layer with PyTorch's Linear layout: weight (out, in).
 * Hugging Face GPT-2 stores these as Conv1D (in, out); the checkpoint code transposes at the file
 * boundary.
 */
final class Dense {
    final NDArray weight;
    final NDArray bias;

    Dense(Parameters p, String name, int in, int out, double std) {
        this(p, name, in, out, std, true);
    }

    Dense(Parameters p, String name, int in, int out, double std, boolean withBias) {
        this.weight = p.normal(name + ".weight", new Shape(out, in), std);
        this.bias = withBias ? p.constant(name + ".bias", new Shape(out), 0f) : null;
    }

    NDArray forward(NDArray x) {
        return (bias == null ? Linear.linear(x, weight) : Linear.linear(x, weight, bias))
                .singletonOrThrow(); // (..., out)
    }
}
