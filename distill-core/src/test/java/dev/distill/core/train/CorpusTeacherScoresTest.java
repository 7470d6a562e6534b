package dev.distill.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.distill.core.TestModels;
import dev.distill.core.checkpoint.Checkpoints;
import dev.distill.core.data.TextCorpus;
import dev.distill.core.generation.Scorer;
import dev.distill.core.tokenizer.Tokenizer;
import dev.distill.core.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The teacher's offline scores of an L_pt corpus: what they hold, the file, and the binding to the
 * windows.
 */
class CorpusTeacherScoresTest {
    static NDManager root;
    static Checkpoints.Loaded teacher;
    static Tokenizer tokenizer;

    @TempDir static Path shared;
    static Path corpusFile;

    @BeforeAll
    static void load() throws IOException {
        root = NDManager.newBaseManager();
        Path dir = TestModels.family("llama-gqa-untied");
        teacher = Checkpoints.load(dir, root);
        tokenizer = Tokenizers.forCheckpoint(dir, teacher.model().config().vocabSize());
        corpusFile = shared.resolve("corpus.txt");
        Files.writeString(
                corpusFile,
                String.join(
                                "\n",
                                List.of(
                                        "the quick brown fox jumps over the lazy dog and runs far"
                                                + " away into the woods",
                                        "a short line",
                                        "numbers one two three four five six seven eight nine ten"
                                                + " eleven twelve"))
                        + "\n");
    }

    @AfterAll
    static void close() {
        teacher.close();
        root.close();
    }

    static PretrainCorpus corpus(int window) throws IOException {
        return PretrainCorpus.load(
                corpusFile,
                TextCorpus.Separator.LINE,
                tokenizer,
                teacher.model().config().eosTokenId(),
                window);
    }

    @Test
    void scoresEveryWindowAsTheScorerDoesAndSurviveTheFile() throws IOException {
        PretrainCorpus corpus = corpus(8);
        CorpusTeacherScores scores =
                CorpusTeacherScores.compute(teacher.model(), "sha", corpus, 4, 3, n -> {});
        assertEquals(corpus.windows(), scores.windows());
        for (int w = 0; w < corpus.windows(); w++) {
            Scorer.Scores alone =
                    Scorer.score(teacher.model(), List.of(corpus.window(w)), 4, false).get(0);
            assertEquals(corpus.window(w).length - 1, scores.ids()[w].length);
            for (int t = 0; t < scores.ids()[w].length; t++) {
                assertArrayEquals(
                        alone.topIds()[t], scores.ids()[w][t], "window " + w + " position " + t);
                assertArrayEquals(alone.topLogProbs()[t], scores.logp()[w][t], 1e-5f);
                double mass = 0;
                for (float lp : alone.topLogProbs()[t]) {
                    mass += Math.exp(lp);
                }
                assertEquals(Math.log(1 - mass), scores.tail()[w][t], 1e-4);
            }
        }
        Path file = shared.resolve("scores.bin.gz");
        scores.write(file);
        CorpusTeacherScores back = CorpusTeacherScores.read(file);
        assertEquals(scores.windowsSha256(), back.windowsSha256());
        assertEquals(corpus.sha256(), back.corpusSha256());
        assertEquals(4, back.topK());
        assertTrue(Arrays.deepEquals(scores.ids(), back.ids()));
        assertTrue(Arrays.deepEquals(scores.logp(), back.logp()));
        assertTrue(Arrays.deepEquals(scores.tail(), back.tail()));
    }

    @Test
    void batchesCarryTheScoresOfTheWindowsTheyDraw() throws IOException {
        PretrainCorpus plain = corpus(8);
        CorpusTeacherScores scores =
                CorpusTeacherScores.compute(teacher.model(), "sha", plain, 4, 16, n -> {});
        PretrainCorpus scored = plain.withTeacherScores(scores);
        List<PretrainBatch> batches = scored.forRound(7, 3, 4, 5);
        List<PretrainBatch> same = plain.forRound(7, 3, 4, 5);
        for (int s = 0; s < batches.size(); s++) {
            PretrainBatch b = batches.get(s);
            assertTrue(b.hasTeacherScores());
            assertFalse(same.get(s).hasTeacherScores());
            assertArrayEquals(
                    same.get(s).tokens().ids(),
                    b.tokens().ids(),
                    "the scores must not change the draw");
            int tp = b.tokens().length() - 1;
            for (int r = 0; r < b.tokens().rows(); r++) {
                int w = windowOf(plain, b, r);
                for (int t = 0; t < tp; t++) {
                    int[] want = t < scores.ids()[w].length ? scores.ids()[w][t] : new int[0];
                    assertArrayEquals(
                            want, b.supportIds()[r * tp + t], "row " + r + " position " + t);
                }
            }
        }
    }

    @Test
    void refusesScoresComputedOnOtherWindows() throws IOException {
        CorpusTeacherScores scores =
                CorpusTeacherScores.compute(teacher.model(), "sha", corpus(8), 4, 16, n -> {});
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class, () -> corpus(6).withTeacherScores(scores));
        assertTrue(e.getMessage().contains("distill score-corpus"), e.getMessage());
    }

    @Test
    void rejectsATruncatedFile() throws IOException {
        CorpusTeacherScores scores =
                CorpusTeacherScores.compute(teacher.model(), "sha", corpus(8), 4, 16, n -> {});
        Path file = shared.resolve("cut.bin.gz");
        scores.write(file);
        byte[] raw = gunzip(file);
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(raw, 0, raw.length - 10);
        }
        IOException e = assertThrows(IOException.class, () -> CorpusTeacherScores.read(file));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    private static byte[] gunzip(Path file) throws IOException {
        try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(file))) {
            return in.readAllBytes();
        }
    }

    private static int windowOf(PretrainCorpus corpus, PretrainBatch b, int row) {
        int len = b.tokens().length();
        long[] ids = Arrays.copyOfRange(b.tokens().ids(), row * len, row * len + len);
        for (int w = 0; w < corpus.windows(); w++) {
            int[] win = corpus.window(w);
            boolean match = true;
            for (int t = 0; t < win.length && match; t++) {
                match = ids[t] == win[t];
            }
            if (match) {
                return w;
            }
        }
        throw new AssertionError("row " + row + " is no window of the corpus");
    }
}
