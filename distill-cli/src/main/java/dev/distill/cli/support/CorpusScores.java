package dev.distill.cli.support;

import dev.distill.core.checkpoint.Checkpoints;
import dev.distill.core.model.ModelConfig;
import dev.distill.core.train.CorpusScoring;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The teacher's scores of the L_pt corpus, computed once per teacher, student tokenizer and corpus,
 * and cached: the demo and the experiment both train with them.
 */
public final class CorpusScores {
    public static final int WINDOW_TOKENS = 64;
    public static final int TOP_K = 32;

    private CorpusScores() {}

    /**
     * The scores file in {@code cacheDir} for this teacher, student tokenizer and corpus, computed
     * when missing.
     */
    public static Path cached(Path teacher, Path student, Path corpus, Path cacheDir)
            throws IOException {
        ModelConfig s = Checkpoints.readConfig(student);
        String key =
                sha256(
                        String.join(
                                "\n",
                                "v1",
                                Checkpoints.readManifest(teacher)
                                        .map(m -> m.weightsSha256())
                                        .orElse(teacher.toString()),
                                Checkpoints.sha256(student.resolve("tokenizer.json")),
                                String.valueOf(s.eosTokenId()),
                                String.valueOf(Math.min(WINDOW_TOKENS, s.nPositions())),
                                Checkpoints.sha256(corpus),
                                String.valueOf(TOP_K)));
        Path file = cacheDir.resolve("corpus-teacher-scores-" + key.substring(0, 16) + ".bin.gz");
        if (!Files.isRegularFile(file)) {
            Files.createDirectories(cacheDir);
            CorpusScoring.score(teacher, student, corpus, WINDOW_TOKENS, TOP_K, (done, total) -> {})
                    .write(file);
        }
        return file;
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
