package dev.distill.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * OPT's config.json. Pre-LN OPT with a tied head and the embedding as wide as the model; OPT-350m's
 * post-LN layers and its projected embedding are refused with the reason.
 */
final class OptConfigJson {
    private OptConfigJson() {}

    static ModelConfig read(JsonNode n, Path file) throws IOException {
        int hidden = HfConfigs.requiredInt(n, "hidden_size", file);
        if (!n.path("do_layer_norm_before").asBoolean(true)) {
            throw new IOException(
                    file
                            + ": do_layer_norm_before false (post-LN layers, as in OPT-350m) is not"
                            + " supported");
        }
        if (n.path("word_embed_proj_dim").isIntegralNumber()
                && n.path("word_embed_proj_dim").asInt() != hidden) {
            throw new IOException(
                    file
                            + ": word_embed_proj_dim "
                            + n.path("word_embed_proj_dim").asInt()
                            + " differs from hidden_size "
                            + hidden
                            + " (projected embeddings, as in OPT-350m) and is not supported");
        }
        String act = n.path("activation_function").asText("relu");
        if (!act.equals("relu")) {
            throw new IOException(
                    file + ": activation_function '" + act + "' is not supported; OPT uses relu");
        }
        if (!n.path("enable_bias").asBoolean(true)
                || !n.path("layer_norm_elementwise_affine").asBoolean(true)) {
            throw new IOException(
                    file
                            + ": enable_bias and layer_norm_elementwise_affine false are not"
                            + " supported");
        }
        if (!n.path("tie_word_embeddings").asBoolean(true)) {
            throw new IOException(file + ": an untied OPT head is not supported");
        }
        int heads = HfConfigs.requiredInt(n, "num_attention_heads", file);
        if (hidden % heads != 0) {
            throw new IOException(
                    file
                            + ": hidden_size "
                            + hidden
                            + " is not divisible by num_attention_heads "
                            + heads);
        }
        int vocab = HfConfigs.requiredInt(n, "vocab_size", file);
        List<Integer> eos = HfConfigs.ids(n.path("eos_token_id"), file);
        Integer bos =
                n.path("bos_token_id").isIntegralNumber() ? n.path("bos_token_id").asInt() : null;
        return new ModelConfig(
                "opt",
                vocab,
                vocab,
                HfConfigs.requiredInt(n, "max_position_embeddings", file),
                hidden,
                HfConfigs.requiredInt(n, "num_hidden_layers", file),
                heads,
                heads,
                hidden / heads,
                HfConfigs.requiredInt(n, "ffn_dim", file),
                1e-5,
                true,
                eos,
                bos,
                null,
                true,
                true,
                false);
    }

    static ObjectNode toJson(ModelConfig c) {
        ObjectNode n = HfConfigs.json().createObjectNode();
        n.putArray("architectures").add("OPTForCausalLM");
        n.put("model_type", "opt");
        n.put("vocab_size", c.embeddingRows());
        n.put("hidden_size", c.hidden());
        n.put("word_embed_proj_dim", c.hidden());
        n.put("ffn_dim", c.intermediate());
        n.put("num_hidden_layers", c.nLayer());
        n.put("num_attention_heads", c.nHead());
        n.put("max_position_embeddings", c.nPositions());
        n.put("do_layer_norm_before", true);
        n.put("activation_function", "relu");
        n.put("enable_bias", true);
        n.put("layer_norm_elementwise_affine", true);
        n.put("tie_word_embeddings", true);
        if (c.bosTokenId() != null) {
            n.put("bos_token_id", c.bosTokenId());
        }
        if (c.eosTokenId() != null) {
            n.put("eos_token_id", c.eosTokenId());
        }
        n.put("torch_dtype", "float32");
        return n;
    }
}
