package dev.distill.core.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Hyper-parameters of a GPT-2-architecture model. Field names follow Hugging Face's GPT-2 {@code
 * config.json}, so a Hugging Face directory and one of ours are read by the same code.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record GptConfig(
        @JsonProperty("vocab_size") int vocabSize,
        @JsonProperty("n_positions") int nPositions,
        @JsonProperty("n_embd") int nEmbd,
        @JsonProperty("n_layer") int nLayer,
        @JsonProperty("n_head") int nHead,
        @JsonProperty("n_inner") Integer nInner,
        @JsonProperty("layer_norm_epsilon") double layerNormEpsilon,
        @JsonProperty("tie_word_embeddings") boolean tieWordEmbeddings,
        @JsonProperty("eos_token_id") Integer eosTokenId) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public GptConfig {
        require(vocabSize > 0, "vocab_size must be positive, got " + vocabSize);
        require(nPositions > 0, "n_positions must be positive, got " + nPositions);
        require(
                nEmbd > 0 && nHead > 0 && nLayer > 0,
                "n_embd, n_head and n_layer must be positive, got "
                        + nEmbd
                        + ", "
                        + nHead
                        + ", "
                        + nLayer);
        require(
                nEmbd % nHead == 0,
                "n_embd (" + nEmbd + ") must be divisible by n_head (" + nHead + ")");
        require(nInner == null || nInner > 0, "n_inner must be positive when set, got " + nInner);
        require(
                layerNormEpsilon > 0,
                "layer_norm_epsilon must be positive, got " + layerNormEpsilon);
        require(
                eosTokenId == null || (eosTokenId >= 0 && eosTokenId < vocabSize),
                "eos_token_id " + eosTokenId + " is outside the vocabulary of " + vocabSize);
    }

    /** A config with GPT-2's defaults for the fields that rarely change. */
    public static GptConfig of(int vocabSize, int nPositions, int nEmbd, int nLayer, int nHead) {
        return new GptConfig(vocabSize, nPositions, nEmbd, nLayer, nHead, null, 1e-5, true, null);
    }

    public GptConfig withEos(int eos) {
        return new GptConfig(
                vocabSize,
                nPositions,
                nEmbd,
                nLayer,
                nHead,
                nInner,
                layerNormEpsilon,
                tieWordEmbeddings,
                eos);
    }

    public GptConfig untied() {
        return new GptConfig(
                vocabSize,
                nPositions,
                nEmbd,
                nLayer,
                nHead,
                nInner,
                layerNormEpsilon,
                false,
                eosTokenId);
    }

    /** The family-independent form the model is built from. */
    public ModelConfig toModelConfig() {
        return new ModelConfig(
                "gpt2",
                vocabSize,
                vocabSize,
                nPositions,
                nEmbd,
                nLayer,
                nHead,
                nHead,
                headSize(),
                innerSize(),
                layerNormEpsilon,
                tieWordEmbeddings,
                eosTokenId == null ? List.of() : List.of(eosTokenId),
                null,
                null,
                true,
                true,
                false);
    }

    /** GPT-2's config.json fields of a gpt2-family {@link ModelConfig}. */
    public static GptConfig of(ModelConfig c) {
        if (c.family() != Family.GPT2) {
            throw new IllegalArgumentException("not a gpt2 config: " + c.modelType());
        }
        Integer inner = c.intermediate() == 4 * c.hidden() ? null : c.intermediate();
        return new GptConfig(
                c.embeddingRows(),
                c.nPositions(),
                c.hidden(),
                c.nLayer(),
                c.nHead(),
                inner,
                c.normEps(),
                c.tieWordEmbeddings(),
                c.eosTokenId());
    }

    public int headSize() {
        return nEmbd / nHead;
    }

    public int innerSize() {
        return nInner == null ? 4 * nEmbd : nInner;
    }

    /** Number of trainable parameters, counting a tied head once. */
    public long parameterCount() {
        long c = nEmbd;
        long perBlock =
                2 * 2 * c
                        + (c * 3 * c + 3 * c)
                        + (c * c + c)
                        + (c * innerSize() + innerSize())
                        + (innerSize() * c + c);
        long head = tieWordEmbeddings ? 0 : (long) vocabSize * c;
        return (long) vocabSize * c + (long) nPositions * c + nLayer * perBlock + 2 * c + head;
    }

    /**
     * GPT-2's fields of a parsed config.json (model_type gpt2 or absent). Hugging Face's GPT-2
     * omits tie_word_embeddings (it defaults to true) and may set fields this code does not
     * compute; those fail here rather than producing a silently different model.
     */
    static GptConfig fromJson(JsonNode node, Path file) throws IOException {
        String type = node.path("model_type").asText("gpt2");
        if (!type.equals("gpt2")) {
            throw new IOException(
                    "model config " + file + " has model_type '" + type + "', not gpt2");
        }
        String act = node.path("activation_function").asText("gelu_new");
        if (!act.equals("gelu_new") && !act.equals("gelu_pytorch_tanh")) {
            throw new IOException(
                    "model config "
                            + file
                            + " uses activation_function '"
                            + act
                            + "'; only the tanh GELU of GPT-2 (gelu_new) is supported");
        }
        for (String field :
                new String[] {"vocab_size", "n_positions", "n_embd", "n_layer", "n_head"}) {
            if (!node.hasNonNull(field)) {
                throw new IOException(
                        "model config " + file + " lacks required field '" + field + "'");
            }
        }
        ObjectNode copy = ((ObjectNode) node).deepCopy();
        if (!copy.hasNonNull("tie_word_embeddings")) {
            copy.put("tie_word_embeddings", true);
        }
        if (!copy.hasNonNull("layer_norm_epsilon")) {
            copy.put("layer_norm_epsilon", 1e-5);
        }
        try {
            return JSON.treeToValue(copy, GptConfig.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException("invalid model config " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes a config.json that Hugging Face transformers can also read. */
    public void write(Path file) throws IOException {
        ObjectNode node = JSON.valueToTree(this);
        node.put("model_type", "gpt2");
        node.putArray("architectures").add("GPT2LMHeadModel");
        node.put("activation_function", "gelu_new");
        node.put("n_ctx", nPositions);
        Files.writeString(
                file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
