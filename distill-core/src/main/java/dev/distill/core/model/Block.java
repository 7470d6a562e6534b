package dev.distill.core.model;

import ai.djl.ndarray.NDArray;

/**
 * Pre-norm transformer block, the same for every family: x + attn(norm1(x)), then + mlp(norm2(x)).
 * The families differ only in the seams: {@link Norm}, {@link Attention}'s projections and
 * positions, {@link Mlp}.
 */
final class Block {
    private final Norm norm1;
    private final Attention attn;
    private final Norm norm2;
    private final Mlp mlp;

    Block(Parameters p, Layout names, int layer, ModelConfig cfg) {
        this.norm1 = Norm.of(p, names.norm1(layer), cfg.hidden(), cfg);
        this.attn = new Attention(p, names.attention(layer), cfg);
        this.norm2 = Norm.of(p, names.norm2(layer), cfg.hidden(), cfg);
        this.mlp = Mlp.of(p, names, layer, cfg);
    }

    Attention.Output forward(NDArray x, Rotary.Angles rotary, NDArray mask, KeyValue past) {
        Attention.Output a = attn.forward(norm1.forward(x), rotary, mask, past); // (B, T, C)
        x = x.add(a.y()); // (B, T, C)
        x = x.add(mlp.forward(norm2.forward(x))); // (B, T, C)
        return new Attention.Output(x, a.present());
    }
}
