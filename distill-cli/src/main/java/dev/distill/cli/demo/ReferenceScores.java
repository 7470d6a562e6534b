package dev.distill.cli.demo;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.distill.core.checkpoint.Checkpoints;
import dev.distill.core.data.HeldOutItem;
import dev.distill.core.data.PromptTemplate;
import dev.distill.core.metrics.Evaluation;
import dev.distill.core.tokenizer.Tokenizer;
import dev.distill.core.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The teacher's and the SFT student's held-out scores, computed in process with the evaluator's own
 * code and protocol, so the summary compares like with like. Cached by the weights' SHA-256, the
 * held-out items and the protocol: the shipped models do not change between demos.
 */
final class ReferenceScores {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ReferenceScores() {}

    /**
     * @param teacher the run's teacher for the reverse KL column, or null (the teacher itself is
     *     scored without)
     */
    static ModelScore score(
            String name,
            Path model,
            Path teacher,
            List<HeldOutItem> items,
            Evaluation.Protocol protocol,
            Path cacheDir)
            throws IOException {
        try (NDManager root = NDManager.newBaseManager();
                Checkpoints.Loaded m = Checkpoints.load(model, root);
                Checkpoints.Loaded t = teacher == null ? null : Checkpoints.load(teacher, root)) {
            String key = key(m, t, items, protocol);
            Path cached =
                    cacheDir.resolve(
                            name.replaceAll("[^A-Za-z0-9_-]", "_")
                                    + "-"
                                    + key.substring(0, 16)
                                    + ".json");
            if (Files.isRegularFile(cached)) {
                return JSON.readValue(cached.toFile(), ModelScore.class);
            }
            Tokenizer tok = Tokenizers.forCheckpoint(model, m.model().config().vocabSize());
            Evaluation.Result r =
                    Evaluation.run(m.model(), tok, items, protocol, t == null ? null : t.model());
            ModelScore score =
                    new ModelScore(
                            name,
                            r.rougeL(),
                            r.rougeLStd(),
                            r.exactMatch(),
                            r.tokenCalibration().ece(),
                            r.optionCalibration() == null ? null : r.optionCalibration().ece(),
                            r.reverseKlToTeacher(),
                            r.tokenCalibration().bins().stream()
                                    .map(
                                            b ->
                                                    new ModelScore.Bin(
                                                            b.lower(),
                                                            b.upper(),
                                                            b.count(),
                                                            b.meanConfidence(),
                                                            b.accuracy()))
                                    .toList());
            Files.createDirectories(cacheDir);
            JSON.writerWithDefaultPrettyPrinter().writeValue(cached.toFile(), score);
            return score;
        }
    }

    private static String key(
            Checkpoints.Loaded m,
            Checkpoints.Loaded t,
            List<HeldOutItem> items,
            Evaluation.Protocol p) {
        StringBuilder k = new StringBuilder("v2\n");
        k.append(m.manifest().map(x -> x.weightsSha256()).orElse(m.dir().toString())).append('\n');
        k.append(
                        t == null
                                ? "-"
                                : t.manifest()
                                        .map(x -> x.weightsSha256())
                                        .orElse(t.dir().toString()))
                .append('\n');
        k.append(p.maxNewTokens())
                .append(' ')
                .append(Arrays.toString(p.seeds()))
                .append(' ')
                .append(p.batchSize())
                .append(' ')
                .append(p.exAccErrSteps())
                .append('\n');
        if (!p.template().equals(PromptTemplate.DEFAULT)) {
            k.append(p.template())
                    .append('\n'); // the default leaves the key, and so the cached scores,
            // unchanged
        }
        items.forEach(i -> k.append(i).append('\n'));
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(k.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
