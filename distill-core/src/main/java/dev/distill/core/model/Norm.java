package dev.distill.core.model;

import ai.djl.ndarray.NDArray;

/** A normalisation over the last axis: the families' first seam (LayerNorm or RMSNorm). */
interface Norm {
    NDArray forward(NDArray x);

    static Norm of(Parameters p, String name, int channels, ModelConfig cfg) {
        return cfg.family() == Family.LLAMA
                ? new RmsNormalization(p, name, channels, cfg.normEps())
                : new LayerNormalization(p, name, channels, cfg.normEps());
    }
}
