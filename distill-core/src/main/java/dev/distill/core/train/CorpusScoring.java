package dev.distill.core.train;

import ai.djl.ndarray.NDManager;
import dev.distill.core.checkpoint.Checkpoints;
import dev.distill.core.data.TextCorpus;
import dev.distill.core.model.ModelConfig;
import dev.distill.core.tokenizer.SharedVocabulary;
import dev.distill.core.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The teacher's scores of an L_pt corpus on exactly the windows a trainer starting from a given
 * student cuts (the student's tokenizer, end-of-text and context), from model directories: what
 * `distill score-corpus`, the demo and the experiment compute before training with the teacher's
 * share of L_pt.
 */
public final class CorpusScoring {
    private CorpusScoring() {}

    /** Progress as (windows scored, windows in all). */
    public interface Progress {
        void at(int done, int total);
    }

    public static CorpusTeacherScores score(
            Path teacherDir,
            Path studentDir,
            Path corpus,
            int windowTokens,
            int topK,
            Progress progress)
            throws IOException {
        ModelConfig s = Checkpoints.readConfig(studentDir);
        SharedVocabulary.require(
                teacherDir,
                Checkpoints.readConfig(teacherDir).vocabSize(),
                studentDir,
                s.vocabSize());
        int window = Math.min(windowTokens, s.nPositions());
        PretrainCorpus windows =
                PretrainCorpus.load(
                        corpus,
                        TextCorpus.Separator.LINE,
                        Tokenizers.forCheckpoint(studentDir, s.vocabSize()),
                        s.eosTokenId(),
                        window);
        try (NDManager root = NDManager.newBaseManager();
                Checkpoints.Loaded t = Checkpoints.load(teacherDir, root)) {
            if (t.model().config().nPositions() < window) {
                throw new IllegalArgumentException(
                        "the teacher's context of "
                                + t.model().config().nPositions()
                                + " positions is shorter than the windows of "
                                + window
                                + " tokens");
            }
            return CorpusTeacherScores.compute(
                    t.model(),
                    weightsSha256(t),
                    windows,
                    topK,
                    32,
                    done -> progress.at(done, windows.windows()));
        }
    }

    private static String weightsSha256(Checkpoints.Loaded t) throws IOException {
        if (t.manifest().isPresent()) {
            return t.manifest().get().weightsSha256();
        }
        Path single = t.dir().resolve(Checkpoints.WEIGHTS);
        return Files.isRegularFile(single) ? Checkpoints.sha256(single) : "sharded, not hashed";
    }
}
