package dev.distill.cli;

import dev.distill.core.train.CorpusScoring;
import dev.distill.core.train.CorpusTeacherScores;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "score-corpus",
        mixinStandardHelpOptions = true,
        description = {
            "The teacher's scores (top-k next tokens, their log-probabilities, the tail mass) on"
                    + " every window of an L_pt corpus, for the trainer's"
                    + " distill.trainer.pretrain-teacher-scores: with them, L_pt = (1 - share) CE +"
                    + " share teacher cross-entropy as in the reference code.",
            "The windows are cut exactly as the trainer cuts them: the student's tokenizer and"
                    + " end-of-text, min(--window-tokens, the student's context) tokens."
        })
public final class ScoreCorpusCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--teacher", required = true, description = "the teacher's model directory")
    Path teacher;

    @Option(
            names = "--student",
            required = true,
            description =
                    "the trainer's initial checkpoint (its tokenizer, end-of-text and context cut"
                            + " the windows)")
    Path student;

    @Option(
            names = "--corpus",
            required = true,
            description = "the corpus: UTF-8 text, one document per line, plain or .gz")
    Path corpus;

    @Option(
            names = "--window-tokens",
            defaultValue = "64",
            description = "as distill.trainer.pretrain-window-tokens (default: ${DEFAULT-VALUE})")
    int windowTokens;

    @Option(
            names = "--top-k",
            defaultValue = "32",
            description = "teacher ids kept per position (default: ${DEFAULT-VALUE})")
    int topK;

    @Option(names = "--out", required = true, description = "the scores file to write")
    Path out;

    @Override
    public Integer call() throws IOException {
        if (topK < 1 || windowTokens < 2) {
            throw new IllegalArgumentException("--top-k must be >= 1 and --window-tokens >= 2");
        }
        PrintWriter o = spec.commandLine().getOut();
        CorpusTeacherScores scores =
                CorpusScoring.score(
                        teacher,
                        student,
                        corpus,
                        windowTokens,
                        topK,
                        (done, total) ->
                                o.printf("\rscored %,d / %,d windows", done, total).flush());
        scores.write(out);
        o.printf(
                "%nwrote %s: %,d windows, top-%d, corpus sha256 %s, teacher weights sha256 %s%n",
                out, scores.windows(), topK, scores.corpusSha256(), scores.teacherSha256());
        o.flush();
        return 0;
    }
}
