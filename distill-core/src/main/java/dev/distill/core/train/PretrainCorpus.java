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
 * The pre-training corpus of MiniLLM's L_pt term: a text file cut into token windows, from which
 * every round draws its language-modelling batches. The draw is a function of (seed, parent
 * version) only, so a replay of a round trains on the same batches without any saved data position,
 * and a restarted trainer continues where an uninterrupted one would have.
 */
public final class PretrainCorpus {
    private final List<int[]> windows;
    private final String sha256;
    private final Path file;
    private final String windowsSha256;
    private final CorpusTeacherScores teacher;

    private PretrainCorpus(
            List<int[]> windows,
            String sha256,
            Path file,
            String windowsSha256,
            CorpusTeacherScores teacher) {
        this.windows = windows;
        this.sha256 = sha256;
        this.file = file;
        this.windowsSha256 = windowsSha256;
        this.teacher = teacher;
    }

    /**
     * @param windowLength tokens per window, at most the student's context length
     * @throws IllegalArgumentException when the file holds no document long enough to train on
     */
    public static PretrainCorpus load(
            Path file,
            TextCorpus.Separator separator,
            Tokenizer tokenizer,
            int eos,
            int windowLength)
            throws IOException {
        if (windowLength < 2) {
            throw new IllegalArgumentException(
                    "pre-training windows need >= 2 tokens, got " + windowLength);
        }
        List<int[]> windows = new ArrayList<>();
        for (int[] w :
                CorpusWindows.of(TextCorpus.read(file, separator), tokenizer, eos, windowLength)) {
            if (w.length >= 2) { // a lone token predicts nothing
                windows.add(w);
            }
        }
        if (windows.isEmpty()) {
            throw new IllegalArgumentException(
                    "pre-training corpus " + file + " holds no document to train on");
        }
        return new PretrainCorpus(
                List.copyOf(windows), Checkpoints.sha256(file), file, digest(windows), null);
    }

    /**
     * This corpus with the teacher's scores on every window, so its batches train L_pt with the
     * teacher's share.
     *
     * @throws IllegalArgumentException when the scores were computed on other windows (another
     *     corpus file, tokenizer, end-of-text id or window length)
     */
    public PretrainCorpus withTeacherScores(CorpusTeacherScores scores) {
        if (!scores.windowsSha256().equals(windowsSha256) || scores.windows() != windows.size()) {
            throw new IllegalArgumentException(
                    "the teacher's scores were computed on other token windows (corpus "
                            + scores.corpusSha256()
                            + ", windows "
                            + scores.windowsSha256()
                            + ") than "
                            + file
                            + " gives here ("
                            + sha256
                            + ", windows "
                            + windowsSha256
                            + ", "
                            + windows.size()
                            + "): score this corpus with the same tokenizer and window length"
                            + " (distill score-corpus)");
        }
        for (int w = 0; w < windows.size(); w++) {
            if (scores.ids()[w].length != windows.get(w).length - 1) {
                throw new IllegalArgumentException(
                        "the teacher's scores of window "
                                + w
                                + " cover "
                                + scores.ids()[w].length
                                + " positions, the window has "
                                + (windows.get(w).length - 1));
            }
        }
        return new PretrainCorpus(windows, sha256, file, windowsSha256, scores);
    }

    public boolean hasTeacherScores() {
        return teacher != null;
    }

    /**
     * What of this corpus decides the weights a trainer makes from it (the token windows, and the
     * teacher's scores when attached), for the trainer's configuration hash: replay then refuses
     * another corpus, window length or scores file instead of reporting a mismatch.
     */
    public String identity() {
        return "windows="
                + windowsSha256
                + (teacher == null
                        ? ""
                        : ";teacher=" + teacher.teacherSha256() + ";top-k=" + teacher.topK());
    }

    /** SHA-256 of the token windows themselves: what teacher scores are bound to. */
    public String windowsSha256() {
        return windowsSha256;
    }

    public int[] window(int index) {
        return windows.get(index).clone();
    }

    private static String digest(List<int[]> windows) {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(4);
            for (int[] w : windows) {
                md.update(buf.clear().putInt(w.length).array());
                for (int id : w) {
                    md.update(buf.clear().putInt(id).array());
                }
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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
     * The batches of the round that trains version {@code parentVersion + 1}: {@code steps} batches
     * of {@code rows} windows drawn uniformly, loss on every token, with the teacher's scores when
     * the corpus has them.
     */
    public List<PretrainBatch> forRound(long seed, long parentVersion, int steps, int rows) {
        SplittableRandom rng =
                new SplittableRandom(
                        seed * 0x9E3779B97F4A7C15L + parentVersion * 1_000_003L + 0x5054L);
        List<PretrainBatch> out = new ArrayList<>(steps);
        for (int s = 0; s < steps; s++) {
            int[] drawn = new int[rows];
            List<int[]> seqs = new ArrayList<>(rows);
            for (int r = 0; r < rows; r++) {
                drawn[r] = rng.nextInt(windows.size());
                seqs.add(windows.get(drawn[r]));
            }
            TokenBatch tokens = TokenBatch.of(seqs, new int[rows]);
            out.add(
                    teacher == null
                            ? new PretrainBatch(tokens, null, null, null)
                            : scored(tokens, drawn));
        }
        return out;
    }

    /**
     * The batch with the teacher's scores of its windows; padded positions get an empty support
     * (masked anyway).
     */
    private PretrainBatch scored(TokenBatch tokens, int[] drawn) {
        int tp = tokens.length() - 1;
        int[][] ids = new int[tokens.rows() * tp][];
        float[][] lp = new float[tokens.rows() * tp][];
        float[] tail = new float[tokens.rows() * tp];
        for (int r = 0; r < tokens.rows(); r++) {
            int w = drawn[r];
            for (int t = 0; t < tp; t++) {
                boolean real = t < teacher.ids()[w].length;
                ids[r * tp + t] = real ? teacher.ids()[w][t] : new int[0];
                lp[r * tp + t] = real ? teacher.logp()[w][t] : new float[0];
                tail[r * tp + t] = real ? teacher.tail()[w][t] : 0f;
            }
        }
        return new PretrainBatch(tokens, ids, lp, tail);
    }
}
