package dev.distill.core.experiment;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.distill.core.checkpoint.Checkpoints;
import dev.distill.core.data.HeldOutItem;
import dev.distill.core.data.PromptTemplate;
import dev.distill.core.metrics.Evaluation;
import dev.distill.core.metrics.ExposureBias;
import dev.distill.core.model.CausalLm;
import dev.distill.core.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One model's scores on the test items: Rouge-L per item under the paper's protocol and greedy, and
 * the paper's other measures (reverse KL to the teacher on the model's own samples, token and
 * answer-option ECE, distinct-4, mean length) from the evaluator's code, and ExAccErr against the
 * teacher at the generation steps {@link #EX_ACC_ERR_STEPS} (the paper's exposure-bias figure).
 *
 * @param exAccErr per step count of {@link #EX_ACC_ERR_STEPS}, percent; null for the teacher itself
 */
public record TestScores(
        String name,
        Path model,
        double[] paper,
        double[] greedy,
        double paperMean,
        double greedyMean,
        Double reverseKl,
        double tokenEce,
        Double optionEce,
        double distinct4,
        double meanLength,
        double[] exAccErr) {

    public static final int[] EX_ACC_ERR_STEPS = {1, 2, 4, 8, 16};

    /**
     * Reads {@code file} when a previous run wrote it, else scores {@code modelDir} and writes it.
     */
    public static TestScores cached(
            Path file,
            String name,
            Path modelDir,
            CausalLm teacher,
            Tokenizer tok,
            PromptTemplate template,
            List<HeldOutItem> items,
            ItemScores.Decoding paper,
            ItemScores.Decoding greedy,
            ObjectMapper json)
            throws IOException {
        if (Files.isRegularFile(file)) {
            return json.readValue(file.toFile(), TestScores.class);
        }
        TestScores s;
        try (NDManager root = NDManager.newBaseManager();
                Checkpoints.Loaded m = Checkpoints.load(modelDir, root)) {
            ItemScores p = ItemScores.of(m.model(), tok, template, items, paper, 64);
            ItemScores g = ItemScores.of(m.model(), tok, template, items, greedy, 64);
            Evaluation.Result e =
                    Evaluation.run(
                            m.model(),
                            tok,
                            items,
                            new Evaluation.Protocol(
                                    paper.maxNewTokens(),
                                    new long[] {paper.seeds()[0]},
                                    64,
                                    0,
                                    template),
                            teacher);
            double[] exAccErr = null;
            if (teacher != null) {
                int eos = m.model().config().eosTokenId();
                List<int[]> prompts =
                        items.stream()
                                .map(
                                        it ->
                                                tok.encode(
                                                        template.apply(
                                                                it.instruction(), it.context())))
                                .toList();
                exAccErr = new double[EX_ACC_ERR_STEPS.length];
                for (int i = 0; i < exAccErr.length; i++) {
                    exAccErr[i] =
                            ExposureBias.measure(
                                            m.model(),
                                            teacher,
                                            prompts,
                                            EX_ACC_ERR_STEPS[i],
                                            eos,
                                            paper.seeds()[0])
                                    .exAccErrPercent();
                }
            }
            s =
                    new TestScores(
                            name,
                            modelDir,
                            p.rougeL(),
                            g.rougeL(),
                            p.mean(),
                            g.mean(),
                            e.reverseKlToTeacher(),
                            e.tokenCalibration().ece(),
                            e.optionCalibration() == null ? null : e.optionCalibration().ece(),
                            e.distinct4(),
                            e.meanLength(),
                            exAccErr);
        }
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".partial");
        json.writeValue(tmp.toFile(), s);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return s;
    }
}
