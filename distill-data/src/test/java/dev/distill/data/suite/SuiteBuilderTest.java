package dev.distill.data.suite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.distill.core.data.HeldOutItem;
import dev.distill.core.data.InstructionJsonl;
import dev.distill.core.data.TaskItem;
import dev.distill.core.data.TextCorpus;
import dev.distill.core.tokenizer.HfTokenizer;
import dev.distill.core.tokenizer.Tokenizer;
import dev.distill.core.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SuiteBuilderTest {
    @TempDir static Path tmp;
    static Path built;

    @BeforeAll
    static void build() throws IOException {
        built = tmp.resolve("suite");
        SuiteBuilder.build(Fixture.wordNet(), built, Fixture.config(0), line -> {});
    }

    @Test
    void buildingTwiceWithOneSeedGivesTheSameBytes() throws IOException {
        Path again = tmp.resolve("again");
        SuiteBuilder.build(Fixture.wordNet(), again, Fixture.config(0), line -> {});
        try (Stream<Path> files = Files.list(built)) {
            for (Path f : files.sorted().toList()) {
                assertArrayEquals(
                        Files.readAllBytes(f),
                        Files.readAllBytes(again.resolve(f.getFileName())),
                        f.getFileName() + " differs between two builds");
            }
        }
    }

    @Test
    void anotherSeedSplitsDifferently() throws IOException {
        Path other = tmp.resolve("seed-1");
        SuiteBuilder.build(Fixture.wordNet(), other, Fixture.config(1), line -> {});
        assertNotEquals(
                ids(InstructionJsonl.read(built.resolve(Split.TEST.fileName()))),
                ids(InstructionJsonl.read(other.resolve(Split.TEST.fileName()))));
    }

    @Test
    void heldOutKeysAreNeverTrainedOnInTheirKeySpace() throws IOException {
        SuiteChecks.assertNoLeaks(built);
    }

    @Test
    void manifestRecordsTheHashOfEveryFileAndTheCountsOfEverySplit() throws IOException {
        JsonNode m = SuiteChecks.assertManifestMatches(built);
        assertEquals(28, m.path("counts").path("test").asInt());
        assertEquals(28, m.path("counts").path("validation").asInt());
        assertEquals(
                "./distill build-data --out <dir> --seed 0 --lexicon-size 400 --vocab-size 1200"
                        + " --held-out 28",
                m.path("recipe").asText());
        assertTrue(m.path("sources").get(0).path("files_sha256").has("data.noun"));
    }

    @Test
    void everyTextRoundTripsThroughTheTokenizerWithinItsBudget() throws IOException {
        SuiteChecks.assertTokenizable(built, 32, 24);
    }

    @Test
    void everyFamilyHasHeldOutAndTrainingItems() throws IOException {
        JsonNode m = new ObjectMapper().readTree(built.resolve(SuiteManifest.FILE).toFile());
        for (Iterator<JsonNode> it = m.path("families").elements(); it.hasNext(); ) {
            JsonNode f = it.next();
            assertTrue(f.path("train").asInt() > 0, f.toString());
            assertTrue(f.path("test").asInt() > 0, f.toString());
        }
    }

    @Test
    void multipleChoiceItemsReferenceTheirCorrectOption() throws IOException {
        List<TaskItem> mc =
                InstructionJsonl.read(built.resolve(Split.TRAIN.fileName())).stream()
                        .filter(t -> t.item().isMultipleChoice())
                        .toList();
        assertFalse(mc.isEmpty());
        for (TaskItem t : mc) {
            HeldOutItem it = t.item();
            assertEquals(ChoiceFamily.OPTIONS, it.options().size(), it.id());
            assertEquals(List.of(it.options().get(it.answer())), it.references(), it.id());
            assertEquals(
                    it.options().size(),
                    new HashSet<>(it.options()).size(),
                    "distinct options: " + it.id());
        }
    }

    @Test
    void theCorpusHasOneEntryPerLexiconWordAndReadsAsLines() throws IOException {
        List<String> docs =
                TextCorpus.read(built.resolve(SuiteBuilder.CORPUS_FILE), TextCorpus.Separator.LINE);
        assertTrue(
                docs.stream().anyMatch(d -> d.startsWith("dog: spelled d o g, 3 letters.")),
                docs.get(0));
    }

    @Test
    void theTokenizerLoadsAsACheckpointsTokenizerWithAnEndOfText() throws IOException {
        JsonNode m = new ObjectMapper().readTree(built.resolve(SuiteManifest.FILE).toFile());
        int vocab = m.path("tokenizer").path("vocab_size").asInt();
        Tokenizer t = Tokenizers.forCheckpoint(built, vocab);
        assertTrue(t instanceof HfTokenizer, t.name());
        try (HfTokenizer hf = (HfTokenizer) t) {
            assertEquals(vocab, hf.vocabSize());
            assertEquals(m.path("tokenizer").path("eos_id").asInt(), hf.eosId().orElseThrow());
            assertEquals(1, hf.encode("dog").length, "a lexicon word is one token");
        }
    }

    @Test
    void aMissingWordNetNamesTheDebianPackage() {
        var e =
                assertThrows(
                        NoSuchFileException.class,
                        () ->
                                SuiteBuilder.build(
                                        tmp.resolve("nowhere"),
                                        tmp.resolve("out"),
                                        Fixture.config(0),
                                        l -> {}));
        assertTrue(e.getMessage().contains("apt-get install wordnet-base"), e.getMessage());
    }

    private static Set<String> ids(List<TaskItem> items) {
        Set<String> out = new HashSet<>();
        items.forEach(t -> out.add(t.item().id()));
        return out;
    }
}
