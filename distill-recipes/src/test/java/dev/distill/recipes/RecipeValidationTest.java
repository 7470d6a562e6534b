package dev.distill.recipes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecipeValidationTest {
    @TempDir Path tmp;

    private InvalidRecipeException rejected(ObjectNode json) {
        return assertThrows(InvalidRecipeException.class, () -> RecipeJson.parse("r.json", json));
    }

    private InvalidRecipeException rejectedWithData(ObjectNode json) throws IOException {
        Path suite = TinySuite.write(tmp.resolve("suite"));
        Recipe r = RecipeJson.parse("r.json", json);
        return assertThrows(
                InvalidRecipeException.class, () -> RecipeData.load(r, "r.json", suite).close());
    }

    private ObjectNode tiny() {
        return TinySuite.recipe(tmp.resolve("suite"), 10);
    }

    @Test
    void aMisspeltFieldIsRejectedWithItsPathAndTheAllowedNames() {
        ObjectNode json = tiny();
        ((ObjectNode) json.get("optimizer")).put("warmup_step", 5);
        InvalidRecipeException e = rejected(json);
        assertEquals("optimizer.warmup_step", e.field());
        assertTrue(
                e.getMessage().contains("unknown field optimizer.warmup_step")
                        && e.getMessage().contains("warmup_steps")
                        && e.getMessage().contains("r.json"),
                e.getMessage());
    }

    @Test
    void anUnknownTopLevelFieldIsRejected() {
        ObjectNode json = tiny();
        json.put("epochs", 3);
        assertEquals("epochs", rejected(json).field());
    }

    @Test
    void aMissingFieldIsNamed() {
        ObjectNode json = tiny();
        ((ObjectNode) json.get("model")).remove("n_embd");
        InvalidRecipeException e = rejected(json);
        assertEquals("model.n_embd", e.field());
        assertTrue(e.getMessage().contains("'model.n_embd' is missing"), e.getMessage());
    }

    @Test
    void aFieldOfTheWrongTypeIsNamed() {
        ObjectNode json = tiny();
        ((ObjectNode) json.get("training")).put("batch_size", "32");
        InvalidRecipeException e = rejected(json);
        assertEquals("training.batch_size", e.field());
        assertTrue(e.getMessage().contains("must be a number, got string"), e.getMessage());
    }

    @Test
    void aSequenceLengthBeyondThePositionsIsRejected() {
        ObjectNode json = tiny();
        ((ObjectNode) json.get("training")).put("seq_len", 17);
        InvalidRecipeException e = rejected(json);
        assertEquals("training.seq_len", e.field());
        assertTrue(e.getMessage().contains("longer than model.n_positions 16"), e.getMessage());
    }

    @Test
    void headsThatDoNotDivideTheWidthAreRejected() {
        ObjectNode json = tiny();
        ((ObjectNode) json.get("model")).put("n_head", 3);
        assertEquals("model.n_head", rejected(json).field());
    }

    @Test
    void aVocabularyThatDiffersFromTheTokenizerIsRejected() throws IOException {
        ObjectNode json = tiny();
        ((ObjectNode) json.get("model")).put("vocab_size", 20);
        InvalidRecipeException e = rejectedWithData(json);
        assertEquals("model.vocab_size", e.field());
        assertTrue(e.getMessage().contains("tokenizer.json has 16 ids"), e.getMessage());
    }

    @Test
    void anEndOfTextIdThatDiffersFromTheTokenizerIsRejected() throws IOException {
        ObjectNode json = tiny();
        ((ObjectNode) json.get("model")).put("eos_token_id", 2);
        assertEquals("model.eos_token_id", rejectedWithData(json).field());
    }

    @Test
    void aTrainingItemLongerThanTheSequenceLengthIsNamed() throws IOException {
        ObjectNode json = tiny();
        ((ObjectNode) json.get("training")).put("seq_len", 8);
        InvalidRecipeException e = rejectedWithData(json);
        assertEquals("training.seq_len", e.field());
        assertTrue(
                e.getMessage()
                        .matches(
                                "(?s).*train item (reverse|copy)/\\d+ .* is \\d+ tokens \\(prompt"
                                        + " \\d+ \\+ response.*"),
                e.getMessage());
    }

    @Test
    void tooManyNewTokensForTheLongestHeldOutPromptIsRejected() throws IOException {
        ObjectNode json = tiny();
        ((ObjectNode) json.get("evaluation")).put("max_new_tokens", 13);
        InvalidRecipeException e = rejectedWithData(json);
        assertEquals("evaluation.max_new_tokens", e.field());
        assertTrue(e.getMessage().contains("validation item"), e.getMessage());
    }

    @Test
    void aRecipeSurvivesWritingAndReadingBack() throws IOException {
        Recipe r = RecipeJson.parse("r.json", tiny());
        Path file = tmp.resolve("again.json");
        RecipeJson.write(r, file);
        Recipe back = RecipeJson.read(file);
        assertEquals(RecipeJson.toJson(r), RecipeJson.toJson(back));
        assertEquals(RecipeJson.sha256(r), RecipeJson.sha256(back));
    }

    @Test
    void theHashCoversWhatDecidesTheWeightsAndNotTheReporting() {
        Recipe r = RecipeJson.parse("r.json", tiny());
        ObjectNode chattier = tiny();
        ((ObjectNode) chattier.get("training")).put("log_every", 1);
        ((ObjectNode) chattier.get("evaluation")).put("every", 1);
        chattier.put("description", "more logging");
        assertEquals(RecipeJson.sha256(r), RecipeJson.sha256(RecipeJson.parse("r.json", chattier)));
        ObjectNode otherSeed = tiny();
        otherSeed.put("seed", 8);
        assertTrue(
                !RecipeJson.sha256(r)
                        .equals(RecipeJson.sha256(RecipeJson.parse("r.json", otherSeed))));
    }

    @Test
    void overridingTheStepsScalesTheWarmUpWithThem() {
        ObjectNode json = tiny();
        ((ObjectNode) json.get("optimizer")).put("warmup_steps", 4);
        Recipe r = RecipeJson.parse("r.json", json).withSteps(5);
        assertEquals(5, r.training().steps());
        assertEquals(2, r.optimizer().warmupSteps(), "4 of 10 steps -> 2 of 5");
        assertEquals(40, RecipeJson.parse("r.json", json).withSteps(100).optimizer().warmupSteps());
    }
}
