package dev.distill.core.model;

/**
 * Where each family keeps its weights: Hugging Face's parameter names, which are also ours, so a
 * checkpoint needs no renaming beyond GPT-2's {@code transformer.} prefix. Prefixes end with a dot.
 */
record Layout(
        String tokens,
        String positions,
        String layers,
        String norm1,
        String attention,
        String norm2,
        String mlp,
        String finalNorm) {
    static final String HEAD = "lm_head.weight";

    static Layout of(Family f) {
        return switch (f) {
            case GPT2 ->
                    new Layout(
                            "wte.weight",
                            "wpe.weight",
                            "h.",
                            "ln_1",
                            "attn.",
                            "ln_2",
                            "mlp.",
                            "ln_f");
            case OPT ->
                    new Layout(
                            "model.decoder.embed_tokens.weight",
                            "model.decoder.embed_positions.weight",
                            "model.decoder.layers.",
                            "self_attn_layer_norm",
                            "self_attn.",
                            "final_layer_norm",
                            "",
                            "model.decoder.final_layer_norm");
            case LLAMA ->
                    new Layout(
                            "model.embed_tokens.weight",
                            null,
                            "model.layers.",
                            "input_layernorm",
                            "self_attn.",
                            "post_attention_layernorm",
                            "mlp.",
                            "model.norm");
        };
    }

    String norm1(int layer) {
        return layers + layer + "." + norm1;
    }

    String attention(int layer) {
        return layers + layer + "." + attention;
    }

    String norm2(int layer) {
        return layers + layer + "." + norm2;
    }

    String mlp(int layer) {
        return layers + layer + "." + mlp;
    }
}
