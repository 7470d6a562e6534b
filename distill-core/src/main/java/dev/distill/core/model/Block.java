package dev.distill.core.model;

import ai.djl.ndarray.NDArray;

/** Pre-LN transformer block: x + attn(ln_1(x)), then + mlp(ln_2(x)). */
final class Block {
    private final Norm ln1;
    private final CausalSelfAttention attn;
    private final Norm ln2;
    private final Mlp mlp;

    Block(Parameters p, String name, GptConfig cfg) {
        this.ln1 = new Norm(p, name + ".ln_1", cfg.nEmbd(), cfg.layerNormEpsilon());
        this.attn = new CausalSelfAttention(p, name + ".attn", cfg);
        this.ln2 = new Norm(p, name + ".ln_2", cfg.nEmbd(), cfg.layerNormEpsilon());
        this.mlp = new Mlp(p, name + ".mlp", cfg);
    }

    CausalSelfAttention.Output forward(NDArray x, NDArray mask, KeyValue past) {
        CausalSelfAttention.Output a = attn.forward(ln1.forward(x), mask, past); // (B, T, C)
        x = x.add(a.y());                                                        // (B, T, C)
        x = x.add(mlp.forward(ln2.forward(x)));                                  // (B, T, C)
        return new CausalSelfAttention.Output(x, a.present());
    }
}
