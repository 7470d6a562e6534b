package dev.distill.core.train;

import dev.distill.core.checkpoint.Checkpoints;
import dev.distill.core.data.CorpusWindows;
import dev.distill.core.data.TextCorpus;
import dev.distill.core.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The pre-training corpus of MiniLLM's L_pt term: a text file cut into token windows, from which every
 * round draws its language-modelling batches. The draw is a function of (seed, parent version) only, so a
 * replay of a round trains on the same batches without any saved data position, and a restarted trainer
 * continues where an uninterrupted one would have.
 */
public final class PretrainCorpus {
    private final List<int[]> windows;
    private final String sha256;
    private final Path file;

    private PretrainCorpus(List<int[]> windows, String sha256, Path file) {
        this.windows = windows;
        this.sha256 = sha256;
        this.file = file;
    }

    /**
     * @param windowLength tokens per window, at most the student's context length
     * @throws IllegalArgumentException when the file holds no document long enough to train on
     */
    public static PretrainCorpus load(Path file, TextCorpus.Separator separator, Tokenizer tokenizer, int eos,
                                      int windowLength) throws IOException {
        if (windowLength < 2) {
            throw new IllegalArgumentException("pre-training windows need >= 2 tokens, got " + windowLength);
        }
        List<int[]> windows = new ArrayList<>();
        for (int[] w : CorpusWindows.of(TextCorpus.read(file, separator), tokenizer, eos, windowLength)) {
            if (w.length >= 2) { // a lone token predicts nothing
                windows.add(w);
            }
        }
        if (windows.isEmpty()) {
            throw new IllegalArgumentException("pre-training corpus " + file + " holds no document to train on");
        }
        return new PretrainCorpus(List.copyOf(windows), Checkpoints.sha256(file), file);
    }

    public int windows() {
        return windows.size();
    }

    public String sha256() {
        return sha256;
    }

    public Path file() {
        return file;
    }

    /**
     * The batches of the round that trains version {@code parentVersion + 1}: {@code steps} batches of
     * {@code rows} windows drawn uniformly, loss on every token (no teacher scores: the trainer holds no
     * teacher, so the term is the paper's plain language-modelling loss).
     */
    public List<PretrainBatch> forRound(long seed, long parentVersion, int steps, int rows) {
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + parentVersion * 1_000_003L + 0x5054L);
        List<PretrainBatch> out = new ArrayList<>(steps);
        for (int s = 0; s < steps; s++) {
            List<int[]> seqs = new ArrayList<>(rows);
            for (int r = 0; r < rows; r++) {
                seqs.add(windows.get(rng.nextInt(windows.size())));
            }
            out.add(new PretrainBatch(TokenBatch.of(seqs, new int[rows]), null, null, null));
        }
        return out;
    }
}
