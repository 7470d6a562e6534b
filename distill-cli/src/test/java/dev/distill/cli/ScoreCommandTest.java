package dev.distill.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * distill score / init-model / generate on Llama-family and OPT checkpoints in Hugging Face's
 * layout.
 */
class ScoreCommandTest {
    /**
     * distill-core's tiny checkpoints with their numpy reference; tests run in the module
     * directory.
     */
    static final Path FAMILIES =
            Path.of("..", "distill-core", "src", "test", "resources", "families");

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path tmp;

    @Test
    void printsTheReferenceLogProbsOfEveryFamilyAsOneJsonObject() throws Exception {
        for (String variant :
                List.of(
                        "llama3-bf16-sharded",
                        "qwen2-padded-bias",
                        "qwen3-qknorm-headdim",
                        "opt-tied")) {
            JsonNode ref =
                    JSON.readTree(FAMILIES.resolve(variant).resolve("reference.json").toFile());
            List<String> ids = new ArrayList<>();
            ref.path("ids").forEach(id -> ids.add(id.asText()));
            CliRun r =
                    CliRun.distill(
                            "score",
                            "--model",
                            FAMILIES.resolve(variant).toString(),
                            "--ids",
                            String.join(",", ids));
            assertEquals(0, r.code(), r.err());
            assertEquals(
                    1, r.out().lines().count(), "one JSON object on standard output: " + r.out());
            JsonNode got = JSON.readTree(r.out()).path("token_logprobs");
            assertEquals(ids.size() - 1, got.size());
            for (int t = 0; t < got.size(); t++) {
                assertEquals(
                        ref.path("token_logprobs").get(t).asDouble(),
                        got.get(t).asDouble(),
                        1e-4,
                        variant + " t=" + t);
            }
        }
    }

    @Test
    void refusesAnIdOutsideTheTokenizersVocabulary() {
        // qwen2-padded-bias has 112 embedding rows but its tokenizer only 100 ids: id 105 is
        // padding.
        CliRun r =
                CliRun.distill(
                        "score",
                        "--model",
                        FAMILIES.resolve("qwen2-padded-bias").toString(),
                        "--ids",
                        "1,105");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("id 105 is outside the model's vocabulary of 100"), r.err());
    }

    @Test
    void initialisesALlamaFamilyModelThatGeneratesAndScores() throws Exception {
        Path tokenizer = FAMILIES.resolve("qwen3-qknorm-headdim").resolve("tokenizer.json");
        Path out = tmp.resolve("qwen3");
        CliRun init =
                CliRun.distill(
                        "init-model",
                        "--out",
                        out.toString(),
                        "--model-type",
                        "qwen3",
                        "--tokenizer",
                        tokenizer.toString(),
                        "--hidden-size",
                        "32",
                        "--num-hidden-layers",
                        "2",
                        "--num-attention-heads",
                        "4",
                        "--num-key-value-heads",
                        "2",
                        "--head-dim",
                        "16",
                        "--max-position-embeddings",
                        "64",
                        "--seed",
                        "3");
        assertEquals(0, init.code(), init.err());
        JsonNode cfg = JSON.readTree(out.resolve("config.json").toFile());
        assertEquals("qwen3", cfg.path("model_type").asText());
        assertEquals("Qwen3ForCausalLM", cfg.path("architectures").get(0).asText());
        assertEquals(16, cfg.path("head_dim").asInt());
        assertTrue(Files.isRegularFile(out.resolve("tokenizer.json")));

        CliRun gen =
                CliRun.distill(
                        "generate",
                        "--model",
                        out.toString(),
                        "--prompt",
                        "w17 w40 w9",
                        "--max-new-tokens",
                        "5",
                        "--temperature",
                        "0");
        assertEquals(0, gen.code(), gen.err());
        assertEquals(2, gen.out().lines().count(), gen.out());
        CliRun score = CliRun.distill("score", "--model", out.toString(), "--ids", "17,40,9");
        assertEquals(0, score.code(), score.err());
        assertEquals(2, JSON.readTree(score.out()).path("token_logprobs").size());
    }
}
