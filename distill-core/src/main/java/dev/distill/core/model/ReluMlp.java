package dev.distill.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/** OPT's feed-forward: C -> ffn_dim -> ReLU -> C, as fc1 / fc2 directly under the layer. */
final class ReluMlp implements Mlp {
    private final Dense fc1;
    private final Dense fc2;

    ReluMlp(Parameters p, String name, ModelConfig cfg) {
        this.fc1 = new Dense(p, name + "fc1", cfg.hidden(), cfg.intermediate(), 0.02);
        this.fc2 = new Dense(p, name + "fc2", cfg.intermediate(), cfg.hidden(), 0.02);
    }

    @Override
    public NDArray forward(NDArray x) {
        return fc2.forward(Activation.relu(fc1.forward(x))); // (B, T, C)
    }
}
