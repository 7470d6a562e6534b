package dev.distill.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/** The Llama family's gated feed-forward: down(silu(gate(x)) * up(x)), no biases. */
final class SwiGluMlp implements Mlp {
    private final Dense gate;
    private final Dense up;
    private final Dense down;

    SwiGluMlp(Parameters p, String name, ModelConfig cfg) {
        this.gate = new Dense(p, name + "gate_proj", cfg.hidden(), cfg.intermediate(), 0.02, false);
        this.up = new Dense(p, name + "up_proj", cfg.hidden(), cfg.intermediate(), 0.02, false);
        this.down = new Dense(p, name + "down_proj", cfg.intermediate(), cfg.hidden(), 0.02, false);
    }

    @Override
    public NDArray forward(NDArray x) {
        NDArray g = gate.forward(x); // (B, T, I)
        NDArray h = g.mul(Activation.sigmoid(g)).mul(up.forward(x)); // (B, T, I) silu(gate) * up
        return down.forward(h); // (B, T, C)
    }
}
