package dev.distill.core.model;

import ai.djl.ndarray.NDArray;

/**
 * The position-wise feed-forward, the families' second seam: GELU (GPT-2), ReLU (OPT) or SwiGLU
 * (Llama).
 */
interface Mlp {
    /** (B, T, C) to (B, T, C). */
    NDArray forward(NDArray x);

    static Mlp of(Parameters p, Layout names, int layer, ModelConfig cfg) {
        return switch (cfg.family()) {
            case GPT2 -> new GeluMlp(p, names.mlp(layer), cfg);
            case OPT -> new ReluMlp(p, names.mlp(layer), cfg);
            case LLAMA -> new SwiGluMlp(p, names.mlp(layer), cfg);
        };
    }
}
