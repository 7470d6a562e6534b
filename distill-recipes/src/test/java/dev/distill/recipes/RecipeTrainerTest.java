package dev.distill.recipes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distill.core.checkpoint.Checkpoints;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecipeTrainerTest {
    @TempDir Path tmp;

    private Path suite() throws IOException {
        Path s = tmp.resolve("suite");
        return Files.isDirectory(s) ? s : TinySuite.write(s);
    }

    private TrainingSummary train(ObjectNode json, Path out, Double minutes, LongConsumer afterStep)
            throws IOException {
        StringWriter log = new StringWriter();
        return RecipeTrainer.run(
                RecipeJson.parse("tiny.json", json),
                new RecipeTrainer.Options(
                        out, tmp, "tiny.json", minutes, new PrintWriter(log), afterStep));
    }

    private TrainingSummary train(ObjectNode json, Path out) throws IOException {
        return train(json, out, null, s -> {});
    }

    @Test
    void trainingATinyRecipeLowersTheLoss() throws IOException {
        TrainingSummary s = train(TinySuite.recipe(suite(), 60), tmp.resolve("run"));
        List<RunState.Point> checks = s.state().checks();
        assertEquals(12, checks.size(), "a held-out check every 5 steps");
        RunState.Point first = checks.get(0);
        RunState.Point last = checks.get(checks.size() - 1);
        assertTrue(
                last.trainLoss() < 0.8 * first.trainLoss(),
                "train loss " + first.trainLoss() + " -> " + last.trainLoss());
        assertTrue(
                last.heldOutLoss() < 0.8 * first.heldOutLoss(),
                "held-out loss " + first.heldOutLoss() + " -> " + last.heldOutLoss());
        assertTrue(s.complete());
        assertEquals(60, s.steps());
    }

    @Test
    void theSameRecipeAndSeedGiveTheSameWeights() throws IOException {
        String a = train(TinySuite.recipe(suite(), 12), tmp.resolve("a")).weightsSha256();
        String b = train(TinySuite.recipe(suite(), 12), tmp.resolve("b")).weightsSha256();
        ObjectNode otherSeed = TinySuite.recipe(suite(), 12);
        otherSeed.put("seed", 8);
        String c = train(otherSeed, tmp.resolve("c")).weightsSha256();
        assertEquals(a, b);
        assertNotEquals(a, c, "another seed must give other weights");
        assertEquals(a, Checkpoints.sha256(tmp.resolve("a").resolve(Checkpoints.WEIGHTS)));
    }

    @Test
    void aRunThatCrashedResumesFromItsLastCheckpointToTheSameWeights() throws IOException {
        String straight =
                train(TinySuite.recipe(suite(), 14), tmp.resolve("straight")).weightsSha256();
        Path out = tmp.resolve("crashed");
        RuntimeException crash =
                assertThrows(
                        RuntimeException.class,
                        () ->
                                train(
                                        TinySuite.recipe(suite(), 14),
                                        out,
                                        null,
                                        step -> {
                                            if (step == 10) {
                                                throw new RuntimeException(
                                                        "simulated crash at step 10");
                                            }
                                        }));
        assertEquals("simulated crash at step 10", crash.getMessage());
        assertTrue(
                Files.isDirectory(out.resolve("progress/step-00000008")),
                "checkpoint_every 4: step 8 is the last saved");
        assertFalse(
                Files.exists(out.resolve("progress/step-00000004")),
                "older progress checkpoints are pruned");
        TrainingSummary resumed = train(TinySuite.recipe(suite(), 14), out);
        assertEquals(straight, resumed.weightsSha256());
        assertEquals(2, resumed.state().sessions());
        assertFalse(
                Files.exists(out.resolve("progress")),
                "a complete run keeps no progress checkpoints");
    }

    @Test
    void aTimeBudgetStopsWithAResumableCheckpointAndTheRunFinishesLater() throws IOException {
        String straight =
                train(TinySuite.recipe(suite(), 10), tmp.resolve("straight")).weightsSha256();
        Path out = tmp.resolve("budget");
        TrainingSummary first = train(TinySuite.recipe(suite(), 10), out, 1e-6, s -> {});
        assertFalse(first.complete());
        assertEquals(1, first.steps(), "every session trains at least one step");
        assertTrue(first.stopReason().startsWith("time budget"), first.stopReason());
        JsonNode summary = new ObjectMapper().readTree(out.resolve("TRAINING.json").toFile());
        assertFalse(summary.path("complete").asBoolean(true));
        assertTrue(Files.isDirectory(out.resolve("progress/step-00000001")));
        TrainingSummary rest = train(TinySuite.recipe(suite(), 10), out);
        assertTrue(rest.complete());
        assertEquals(straight, rest.weightsSha256());
    }

    @Test
    void theOutputIsALoadableCheckpointWithTokenizerRecipeAndSummary() throws IOException {
        Path out = tmp.resolve("run");
        TrainingSummary s = train(TinySuite.recipe(suite(), 8), out);
        for (String f :
                List.of(
                        "model.safetensors",
                        "config.json",
                        "checkpoint.json",
                        "tokenizer.json",
                        "RECIPE.json",
                        "TRAINING.json",
                        "TRAINING.md")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        assertFalse(
                Files.exists(out.resolve(Checkpoints.OPTIMIZER)),
                "the shipped checkpoint carries weights only");
        assertEquals(
                Files.readString(suite().resolve("tokenizer.json")),
                Files.readString(out.resolve("tokenizer.json")));
        Recipe asRun = RecipeJson.read(out.resolve("RECIPE.json"));
        assertEquals(RecipeJson.sha256(asRun), s.recipeSha256());
        JsonNode summary = new ObjectMapper().readTree(out.resolve("TRAINING.json").toFile());
        assertEquals(s.weightsSha256(), summary.path("weights_sha256").asText());
        assertTrue(summary.path("complete").asBoolean());
        assertEquals(8, summary.path("steps").asInt());
        assertTrue(summary.path("validation").path("paper_protocol").path("rouge_l").isNumber());
        assertTrue(summary.path("validation").path("rouge_l_greedy").isNumber());
        assertEquals(40, summary.path("validation").path("items").asInt());
        try (NDManager root = NDManager.newBaseManager();
                Checkpoints.Loaded loaded = Checkpoints.load(out, root)) {
            assertEquals(s.weightsSha256(), loaded.manifest().orElseThrow().weightsSha256());
            assertEquals(s.recipeSha256(), loaded.manifest().orElseThrow().configHash());
            assertEquals(TinySuite.EOS, loaded.model().config().eosTokenId());
        }
        assertTrue(Files.readString(out.resolve("TRAINING.md")).contains(s.weightsSha256()));
    }

    @Test
    void aFinishedRunIsNeverOverwritten() throws IOException {
        Path out = tmp.resolve("run");
        train(TinySuite.recipe(suite(), 4), out);
        IOException e =
                assertThrows(IOException.class, () -> train(TinySuite.recipe(suite(), 4), out));
        assertTrue(e.getMessage().contains("already holds a finished run"), e.getMessage());
    }

    @Test
    void aRunIsNotResumedUnderAnotherRecipe() throws IOException {
        Path out = tmp.resolve("run");
        assertThrows(
                RuntimeException.class,
                () ->
                        train(
                                TinySuite.recipe(suite(), 10),
                                out,
                                null,
                                s -> {
                                    if (s == 5) {
                                        throw new RuntimeException("crash");
                                    }
                                }));
        ObjectNode other = TinySuite.recipe(suite(), 10);
        ((ObjectNode) other.get("optimizer")).put("lr", 0.02);
        IOException e = assertThrows(IOException.class, () -> train(other, out));
        assertTrue(e.getMessage().contains("different recipe"), e.getMessage());
    }

    @Test
    void aDirectoryThatHoldsSomethingElseIsRefused() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("other"));
        Files.writeString(out.resolve("notes.txt"), "mine");
        IOException e =
                assertThrows(IOException.class, () -> train(TinySuite.recipe(suite(), 4), out));
        assertTrue(e.getMessage().contains("holds no run"), e.getMessage());
    }

    @Test
    void aRecipeThatFailsItsDataChecksLeavesNoDirectoryBehind() throws IOException {
        ObjectNode json = TinySuite.recipe(suite(), 4);
        ((ObjectNode) json.get("model")).put("vocab_size", 17);
        Path out = tmp.resolve("never");
        assertThrows(InvalidRecipeException.class, () -> train(json, out));
        assertFalse(Files.exists(out));
    }
}
