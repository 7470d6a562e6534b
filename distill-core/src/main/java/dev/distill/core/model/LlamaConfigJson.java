package dev.distill.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * config.json of the Llama family as transformers writes it: {@code llama} (Llama 2/3, TinyLlama,
 * SmolLM2), {@code mistral}, {@code qwen2} (Qwen2/2.5) and {@code qwen3}. Anything that would
 * change the computation beyond what this code computes (other activations, MLP biases, other rope
 * scalings) is refused, never ignored; a sliding window shorter than max_position_embeddings caps
 * the context in use.
 */
final class LlamaConfigJson {
    private static final Map<String, String> ARCHITECTURES =
            Map.of(
                    "llama",
                    "LlamaForCausalLM",
                    "mistral",
                    "MistralForCausalLM",
                    "qwen2",
                    "Qwen2ForCausalLM",
                    "qwen3",
                    "Qwen3ForCausalLM");

    private LlamaConfigJson() {}

    static ModelConfig read(JsonNode n, Path file) throws IOException {
        String type = n.path("model_type").asText();
        String act = n.path("hidden_act").asText("silu");
        if (!act.equals("silu")) {
            throw new IOException(
                    file
                            + ": hidden_act '"
                            + act
                            + "' is not supported; the Llama family uses silu");
        }
        if (n.path("mlp_bias").asBoolean(false)) {
            throw new IOException(file + ": mlp_bias true is not supported");
        }
        int hidden = HfConfigs.requiredInt(n, "hidden_size", file);
        int heads = HfConfigs.requiredInt(n, "num_attention_heads", file);
        int kvHeads =
                n.path("num_key_value_heads").isIntegralNumber()
                        ? n.path("num_key_value_heads").asInt()
                        : heads;
        int headDim =
                n.path("head_dim").isIntegralNumber() ? n.path("head_dim").asInt() : hidden / heads;
        if (!n.path("head_dim").isIntegralNumber() && hidden % heads != 0) {
            throw new IOException(
                    file
                            + ": hidden_size "
                            + hidden
                            + " is not divisible by num_attention_heads "
                            + heads);
        }
        int positions = HfConfigs.requiredInt(n, "max_position_embeddings", file);
        JsonNode window = n.path("sliding_window");
        if (window.isIntegralNumber()
                && n.path("use_sliding_window").asBoolean(true)
                && window.asInt() < positions) {
            // Sliding-window attention equals full attention on sequences no longer than the
            // window, and this code computes full attention only: the context in use is the window,
            // and a longer sequence is refused by the context check.
            positions = window.asInt();
        }
        int vocab = HfConfigs.requiredInt(n, "vocab_size", file);
        boolean attentionBias = n.path("attention_bias").asBoolean(false);
        boolean qkvBias = type.equals("qwen2") || attentionBias;
        boolean outBias = !type.equals("qwen2") && attentionBias;
        List<Integer> eos = HfConfigs.ids(n.path("eos_token_id"), file);
        Integer bos =
                n.path("bos_token_id").isIntegralNumber() ? n.path("bos_token_id").asInt() : null;
        return new ModelConfig(
                type,
                vocab,
                vocab,
                positions,
                hidden,
                HfConfigs.requiredInt(n, "num_hidden_layers", file),
                heads,
                kvHeads,
                headDim,
                HfConfigs.requiredInt(n, "intermediate_size", file),
                n.path("rms_norm_eps").asDouble(1e-6),
                n.path("tie_word_embeddings").asBoolean(false),
                eos,
                bos,
                new Rope(
                        n.path("rope_theta").asDouble(10000.0),
                        scaling(n.path("rope_scaling"), file)),
                qkvBias,
                outBias,
                type.equals("qwen3"));
    }

    private static Rope.Llama3Scaling scaling(JsonNode s, Path file) throws IOException {
        if (s.isMissingNode() || s.isNull()) {
            return null;
        }
        String kind = s.path("rope_type").asText(s.path("type").asText(""));
        if (kind.equals("default")) {
            return null;
        }
        if (!kind.equals("llama3")) {
            throw new IOException(
                    file
                            + ": rope_scaling of type '"
                            + kind
                            + "' is not supported (only llama3 or none)");
        }
        try {
            return new Rope.Llama3Scaling(
                    s.path("factor").asDouble(),
                    s.path("low_freq_factor").asDouble(),
                    s.path("high_freq_factor").asDouble(),
                    s.path("original_max_position_embeddings").asInt());
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    static ObjectNode toJson(ModelConfig c) {
        ObjectNode n = HfConfigs.json().createObjectNode();
        n.putArray("architectures").add(ARCHITECTURES.get(c.modelType()));
        n.put("model_type", c.modelType());
        n.put("vocab_size", c.embeddingRows());
        n.put("hidden_size", c.hidden());
        n.put("intermediate_size", c.intermediate());
        n.put("num_hidden_layers", c.nLayer());
        n.put("num_attention_heads", c.nHead());
        n.put("num_key_value_heads", c.nKvHead());
        n.put("head_dim", c.headDim());
        n.put("max_position_embeddings", c.nPositions());
        n.put("rms_norm_eps", c.normEps());
        n.put("rope_theta", c.rope().theta());
        if (c.rope().scaling() == null) {
            n.putNull("rope_scaling");
        } else {
            Rope.Llama3Scaling s = c.rope().scaling();
            n.putObject("rope_scaling")
                    .put("rope_type", "llama3")
                    .put("factor", s.factor())
                    .put("low_freq_factor", s.lowFreqFactor())
                    .put("high_freq_factor", s.highFreqFactor())
                    .put("original_max_position_embeddings", s.originalMaxPositions());
        }
        if (!c.modelType().equals("qwen2")) {
            n.put("attention_bias", c.qkvBias());
        }
        n.put("mlp_bias", false);
        n.put("hidden_act", "silu");
        n.put("tie_word_embeddings", c.tieWordEmbeddings());
        if (c.modelType().equals("qwen2") || c.modelType().equals("qwen3")) {
            n.put("use_sliding_window", false);
        }
        if (c.bosTokenId() != null) {
            n.put("bos_token_id", c.bosTokenId());
        }
        if (c.eosTokenIds().size() == 1) {
            n.put("eos_token_id", c.eosTokenIds().get(0));
        } else if (!c.eosTokenIds().isEmpty()) {
            c.eosTokenIds().forEach(n.putArray("eos_token_id")::add);
        }
        n.put("torch_dtype", "float32");
        return n;
    }
}
