package dev.distill.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaEvolutionTest {
    static final Path RELEASED = Path.of(System.getProperty("schemas.released.dir", "released"));
    static final Path CURRENT = Path.of(System.getProperty("schemas.current.dir", "src/main/avro"));

    @Test
    void currentSchemasAreBackwardCompatibleWithTheLatestRelease() throws IOException {
        Path latest =
                SchemaEvolution.latest(RELEASED)
                        .orElseThrow(() -> new AssertionError("no released schemas"));
        List<SchemaEvolution.Problem> problems = SchemaEvolution.check(latest, CURRENT);
        assertTrue(
                problems.isEmpty(),
                "schema changes break BACKWARD compatibility with " + latest + ": " + problems);
    }

    @Test
    void rejectsANewFieldWithoutDefault(@TempDir Path tmp) throws IOException {
        Path released = Files.createDirectories(tmp.resolve("released"));
        Path current = Files.createDirectories(tmp.resolve("current"));
        Files.copy(CURRENT.resolve("Prompt.avsc"), released.resolve("Prompt.avsc"));
        String changed =
                Files.readString(CURRENT.resolve("Prompt.avsc"))
                        .replace(
                                "{\"name\": \"source\", \"type\": \"string\"",
                                "{\"name\": \"tenant\", \"type\": \"string\"},\n"
                                        + "    {\"name\": \"source\", \"type\": \"string\"");
        Files.writeString(current.resolve("Prompt.avsc"), changed);
        List<SchemaEvolution.Problem> problems = SchemaEvolution.check(released, current);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).description().contains("tenant"), problems.toString());
    }

    @Test
    void acceptsANewOptionalField(@TempDir Path tmp) throws IOException {
        Path released = Files.createDirectories(tmp.resolve("released"));
        Path current = Files.createDirectories(tmp.resolve("current"));
        Files.copy(CURRENT.resolve("Prompt.avsc"), released.resolve("Prompt.avsc"));
        String changed =
                Files.readString(CURRENT.resolve("Prompt.avsc"))
                        .replace(
                                "{\"name\": \"source\", \"type\": \"string\"",
                                "{\"name\": \"tenant\", \"type\": [\"null\", \"string\"],"
                                        + " \"default\": null},\n"
                                        + "    {\"name\": \"source\", \"type\": \"string\"");
        Files.writeString(current.resolve("Prompt.avsc"), changed);
        assertTrue(SchemaEvolution.check(released, current).isEmpty());
    }
}
