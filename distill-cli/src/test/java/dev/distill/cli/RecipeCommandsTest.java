package dev.distill.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train-teacher and init-student on a slice of the bundled suite with a tiny model. */
class RecipeCommandsTest {
    static final Path SUITE = Path.of("..", "data", "suite");
    static final Path TEACHER_RECIPE = Path.of("..", "models", "teacher.recipe.json");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path tmp;

    /**
     * The first lines of each suite file, the real tokenizer, and the shipped recipe shrunk to a
     * tiny model.
     */
    private Path tinyRecipe(Path home, String name) throws IOException {
        Path suite = Files.createDirectories(home.resolve("suite"));
        Files.copy(SUITE.resolve("tokenizer.json"), suite.resolve("tokenizer.json"));
        head(SUITE.resolve("train.jsonl.gz"), suite.resolve("train.jsonl.gz"), 300);
        head(SUITE.resolve("validation.jsonl.gz"), suite.resolve("validation.jsonl.gz"), 20);
        head(SUITE.resolve("corpus.txt.gz"), suite.resolve("corpus.txt.gz"), 50);
        ObjectNode r = (ObjectNode) JSON.readTree(TEACHER_RECIPE.toFile());
        r.put("name", name);
        ((ObjectNode) r.get("data"))
                .put("suite", "suite"); // relative: resolved against the project root
        ObjectNode m = (ObjectNode) r.get("model");
        m.put("n_embd", 16);
        m.put("n_layer", 1);
        m.put("n_head", 2);
        ((ObjectNode) r.get("training")).put("steps", 4).put("batch_size", 8);
        ((ObjectNode) r.get("optimizer")).put("warmup_steps", 1);
        ((ObjectNode) r.get("evaluation")).put("every", 2).put("items", 10);
        Path file = Files.createDirectories(home.resolve("models")).resolve(name + ".recipe.json");
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r));
        return file;
    }

    private static void head(Path from, Path to, int lines) throws IOException {
        try (BufferedReader in =
                        new BufferedReader(
                                new InputStreamReader(
                                        new GZIPInputStream(Files.newInputStream(from)),
                                        StandardCharsets.UTF_8));
                OutputStream out = new GZIPOutputStream(Files.newOutputStream(to))) {
            for (int i = 0; i < lines; i++) {
                out.write((in.readLine() + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /**
     * Runs the command line in-process with {@code home} as the project root (what ./distill
     * passes).
     */
    private static CliRun inHome(Path home, String... args) {
        String before = System.getProperty("distill.home");
        System.setProperty("distill.home", home.toString());
        try {
            return CliRun.distill(args);
        } finally {
            if (before == null) {
                System.clearProperty("distill.home");
            } else {
                System.setProperty("distill.home", before);
            }
        }
    }

    @Test
    void trainTeacherWritesTheCheckpointWithTokenizerRecipeAndSummary() throws IOException {
        Path recipe = tinyRecipe(tmp, "teacher");
        Path out = tmp.resolve("teacher-out");
        CliRun r =
                inHome(
                        tmp,
                        "train-teacher",
                        "--recipe",
                        recipe.toString(),
                        "--out",
                        out.toString(),
                        "--steps",
                        "3");
        assertEquals(0, r.code(), r.err());
        assertTrue(
                r.out().contains("step       3/3")
                        && r.out().contains("held-out check at step 2")
                        && r.out().contains("paper protocol Rouge-L"),
                r.out());
        JsonNode summary = JSON.readTree(out.resolve("TRAINING.json").toFile());
        assertEquals(3, summary.path("steps").asInt());
        assertEquals(
                3,
                JSON.readTree(out.resolve("RECIPE.json").toFile())
                        .path("training")
                        .path("steps")
                        .asInt(),
                "RECIPE.json is the recipe as run, --steps included");
        assertEquals(
                summary.path("weights_sha256").asText(),
                JSON.readTree(out.resolve("checkpoint.json").toFile())
                        .path("weights_sha256")
                        .asText());
        assertTrue(Files.isRegularFile(out.resolve("tokenizer.json")));
    }

    @Test
    void initStudentDefaultsToTheStudentRecipeAndDirectoryUnderTheProjectRoot() throws IOException {
        tinyRecipe(tmp, "student-sft");
        CliRun r = inHome(tmp, "init-student");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isRegularFile(tmp.resolve("models/student-sft/TRAINING.md")), r.out());
        assertTrue(Files.isRegularFile(tmp.resolve("models/student-sft/model.safetensors")));
    }

    @Test
    void anInvalidRecipeFailsWithTheFieldToFix() throws IOException {
        Path recipe = tinyRecipe(tmp, "teacher");
        ObjectNode r = (ObjectNode) JSON.readTree(recipe.toFile());
        ((ObjectNode) r.get("training")).put("seq_len", 128);
        Files.writeString(recipe, JSON.writeValueAsString(r));
        CliRun run =
                inHome(
                        tmp,
                        "train-teacher",
                        "--recipe",
                        recipe.toString(),
                        "--out",
                        tmp.resolve("x").toString());
        assertEquals(2, run.code());
        assertTrue(
                run.err().contains("'training.seq_len' 128 is longer than model.n_positions 64"),
                run.err());
    }
}
