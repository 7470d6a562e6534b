package dev.distill.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distill.core.TestModels;
import dev.distill.core.checkpoint.CheckpointManifest;
import dev.distill.core.checkpoint.Checkpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * config.json per family: what is refused (and why), what is capped, and writing a model back in
 * its own layout.
 */
class FamilyConfigsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path tmp;

    Path withConfig(String variant, Map<String, Object> changes) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(variant + "-" + changes.hashCode()));
        ObjectNode cfg =
                (ObjectNode)
                        JSON.readTree(TestModels.family(variant).resolve("config.json").toFile());
        changes.forEach((k, v) -> cfg.set(k, JSON.valueToTree(v)));
        Files.writeString(dir.resolve("config.json"), cfg.toString());
        return dir;
    }

    @Test
    void refusesAnUnknownModelTypeListingTheSupportedOnes() throws Exception {
        IOException e =
                assertThrows(
                        IOException.class,
                        () ->
                                HfConfigs.read(
                                        withConfig(
                                                "llama-gqa-untied",
                                                Map.of("model_type", "gemma2"))));
        assertTrue(
                e.getMessage()
                        .contains(
                                "'gemma2' is not supported; supported: gpt2, opt, llama, mistral,"
                                        + " qwen2, qwen3"),
                e.getMessage());
    }

    @Test
    void refusesOpt350mStyleLayersWithTheReason() throws Exception {
        IOException postLn =
                assertThrows(
                        IOException.class,
                        () ->
                                HfConfigs.read(
                                        withConfig(
                                                "opt-tied",
                                                Map.of("do_layer_norm_before", false))));
        assertTrue(postLn.getMessage().contains("do_layer_norm_before false"), postLn.getMessage());
        IOException projected =
                assertThrows(
                        IOException.class,
                        () ->
                                HfConfigs.read(
                                        withConfig("opt-tied", Map.of("word_embed_proj_dim", 16))));
        assertTrue(
                projected
                        .getMessage()
                        .contains("word_embed_proj_dim 16 differs from hidden_size 32"),
                projected.getMessage());
    }

    @Test
    void refusesWhatWouldChangeTheComputationUnseen() throws Exception {
        IOException yarn =
                assertThrows(
                        IOException.class,
                        () ->
                                HfConfigs.read(
                                        withConfig(
                                                "llama-gqa-untied",
                                                Map.of(
                                                        "rope_scaling",
                                                        Map.of(
                                                                "rope_type",
                                                                "yarn",
                                                                "factor",
                                                                4.0)))));
        assertTrue(
                yarn.getMessage().contains("rope_scaling of type 'yarn' is not supported"),
                yarn.getMessage());
        IOException gelu =
                assertThrows(
                        IOException.class,
                        () ->
                                HfConfigs.read(
                                        withConfig(
                                                "llama-gqa-untied", Map.of("hidden_act", "gelu"))));
        assertTrue(gelu.getMessage().contains("hidden_act 'gelu'"), gelu.getMessage());
        IOException mlpBias =
                assertThrows(
                        IOException.class,
                        () ->
                                HfConfigs.read(
                                        withConfig("llama-gqa-untied", Map.of("mlp_bias", true))));
        assertTrue(mlpBias.getMessage().contains("mlp_bias"), mlpBias.getMessage());
        IOException kv =
                assertThrows(
                        IOException.class,
                        () ->
                                HfConfigs.read(
                                        withConfig(
                                                "llama-gqa-untied",
                                                Map.of("num_key_value_heads", 3))));
        assertTrue(
                kv.getMessage().contains("multiple of num_key_value_heads (3)"), kv.getMessage());
    }

    @Test
    void aSlidingWindowShorterThanTheContextBecomesTheContextInUse() throws Exception {
        ModelConfig capped =
                HfConfigs.read(
                        withConfig(
                                "mistral-untied",
                                Map.of("sliding_window", 64, "max_position_embeddings", 4096)));
        assertEquals(64, capped.nPositions());
        ModelConfig ignored =
                HfConfigs.read(
                        withConfig(
                                "mistral-untied",
                                Map.of("sliding_window", 8192, "max_position_embeddings", 4096)));
        assertEquals(4096, ignored.nPositions());
    }

    @Test
    void readsEndIdsFromGenerationConfigBeforeConfigJson() throws Exception {
        // qwen2-padded-bias: config.json says 1, generation_config.json [3, 1]; transformers stops
        // at both.
        assertEquals(
                List.of(3, 1),
                HfConfigs.read(TestModels.family("qwen2-padded-bias")).eosTokenIds());
        assertEquals(
                List.of(2, 3), HfConfigs.read(TestModels.family("llama-gqa-untied")).eosTokenIds());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "llama-gqa-untied",
                "llama3-bf16-sharded",
                "mistral-untied",
                "qwen2-padded-bias",
                "qwen3-qknorm-headdim",
                "opt-tied"
            })
    void writesAModelBackInItsOwnFamilysLayoutAndReloadsItExactly(String variant) throws Exception {
        Path out = tmp.resolve("saved-" + variant);
        try (NDManager root = NDManager.newBaseManager();
                Checkpoints.Loaded original = Checkpoints.load(TestModels.family(variant), root)) {
            Checkpoints.save(
                    original.model(), null, CheckpointManifest.of(1, 0L, 5, 7L, null, null), out);
            if (Files.exists(TestModels.family(variant).resolve("tokenizer.json"))) {
                Files.copy(
                        TestModels.family(variant).resolve("tokenizer.json"),
                        out.resolve("tokenizer.json"));
            }
            JsonNode written = JSON.readTree(out.resolve("config.json").toFile());
            JsonNode source =
                    JSON.readTree(TestModels.family(variant).resolve("config.json").toFile());
            assertEquals(source.path("model_type").asText(), written.path("model_type").asText());
            assertEquals(source.path("architectures"), written.path("architectures"));
            try (Checkpoints.Loaded again = Checkpoints.load(out, root)) {
                ModelConfig expected = original.model().config();
                assertEquals(expected, again.model().config());
                Map<String, NDArray> a = original.model().parameters().asMap();
                Map<String, NDArray> b = again.model().parameters().asMap();
                assertEquals(a.keySet(), b.keySet());
                for (String name : a.keySet()) {
                    assertArrayEquals(
                            a.get(name).toFloatArray(), b.get(name).toFloatArray(), 0f, name);
                }
            }
        }
    }
}
