package dev.distill.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildDataCommandTest {
    /** distill-data's WordNet subset; tests run in the module directory. */
    static final Path FIXTURE =
            Path.of("..", "distill-data", "src", "test", "resources", "data", "wordnet");

    @TempDir Path tmp;

    static CliRun run(String... args) {
        return CliRun.distill(args);
    }

    @Test
    void buildsASuiteAndPrintsItsCountsPerFamily() throws IOException {
        Path out = tmp.resolve("suite");
        CliRun r =
                run(
                        "build-data",
                        "--out",
                        out.toString(),
                        "--wordnet",
                        FIXTURE.toString(),
                        "--seed",
                        "2",
                        "--lexicon-size",
                        "400",
                        "--vocab-size",
                        "1200",
                        "--held-out",
                        "28");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("spell"), r.out());
        assertTrue(r.out().matches("(?s).*total\\s+\\d+\\s+28\\s+28.*"), r.out());
        JsonNode m = new ObjectMapper().readTree(out.resolve("MANIFEST.json").toFile());
        assertEquals(2, m.path("seed").asInt());
        for (String f :
                new String[] {
                    "train.jsonl.gz",
                    "validation.jsonl.gz",
                    "test.jsonl.gz",
                    "corpus.txt.gz",
                    "tokenizer.json",
                    "LICENSES.md"
                }) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
            assertTrue(m.path("files").has(f), f);
        }
    }

    @Test
    void aMissingWordNetSaysWhichPackageToInstall() {
        CliRun r =
                run(
                        "build-data",
                        "--out",
                        tmp.resolve("x").toString(),
                        "--wordnet",
                        tmp.resolve("none").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("apt-get install wordnet-base"), r.err());
    }
}
