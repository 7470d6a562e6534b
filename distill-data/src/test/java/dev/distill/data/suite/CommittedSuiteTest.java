package dev.distill.data.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.distill.core.data.TaskItem;
import dev.distill.core.data.TextCorpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The bundled suite in the repository (data/suite, built by {@code ./distill build-data --out
 * data/suite}): intact, leak-free, readable by the loaders and the tokenizer, and small. Tests run
 * in the module directory, so the repository root is its parent.
 */
class CommittedSuiteTest {
    static final Path SUITE = Path.of("..", "data", "suite");

    @Test
    void manifestHashesAndCountsMatchTheFiles() throws IOException {
        JsonNode m = SuiteChecks.assertManifestMatches(SUITE);
        assertEquals(SuiteManifest.FORMAT_VERSION, m.path("format_version").asInt());
        assertEquals(500, m.path("counts").path("test").asInt());
        assertEquals(500, m.path("counts").path("validation").asInt());
        int train = m.path("counts").path("train").asInt();
        assertTrue(train >= 20_000 && train <= 60_000, "training items: " + train);
    }

    @Test
    void heldOutItemsNeverLeakIntoTraining() throws IOException {
        SuiteChecks.assertNoLeaks(SUITE);
    }

    @Test
    void everyTextRoundTripsThroughTheBundledTokenizerWithinItsBudget() throws IOException {
        JsonNode cfg = SuiteChecks.manifest(SUITE).path("config");
        SuiteChecks.assertTokenizable(
                SUITE,
                cfg.path("max_prompt_tokens").asInt(),
                cfg.path("max_response_tokens").asInt());
    }

    @Test
    void aboutOneHeldOutItemInTenIsMultipleChoice() throws IOException {
        for (Split s : List.of(Split.TEST, Split.VALIDATION)) {
            List<TaskItem> items = SuiteChecks.splits(SUITE).get(s);
            long mc = items.stream().filter(t -> t.item().isMultipleChoice()).count();
            assertEquals(50, mc, s.label());
        }
    }

    @Test
    void theCorpusReadsAsOneDocumentPerLine() throws IOException {
        List<String> docs =
                TextCorpus.read(SUITE.resolve(SuiteBuilder.CORPUS_FILE), TextCorpus.Separator.LINE);
        assertEquals(
                SuiteChecks.manifest(SUITE).path("counts").path("corpus_documents").asInt(),
                docs.size());
    }

    @Test
    void theCommittedDataStaysSmall() throws IOException {
        long bytes;
        try (Stream<Path> files = Files.list(SUITE)) {
            bytes = files.mapToLong(f -> f.toFile().length()).sum();
        }
        assertTrue(bytes < 4_000_000, "data/suite is " + bytes + " bytes");
    }
}
