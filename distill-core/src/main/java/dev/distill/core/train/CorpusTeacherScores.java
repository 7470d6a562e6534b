package dev.distill.core.train;

import dev.distill.core.generation.Scorer;
import dev.distill.core.model.CausalLm;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The teacher's scores on every target position of a pre-training corpus (its top-k next tokens,
 * their log-probabilities and the log tail mass), computed once offline so that the trainer, which
 * holds no teacher, can train L_pt with the teacher's share as the reference code does. Bound to
 * the exact token windows it was computed on ({@link PretrainCorpus#windowsSha256()}) and to the
 * teacher's weights.
 *
 * @param ids [window][target position] the teacher's top-k ids for the prediction of token t+1
 * @param logp [window][target position] their log-probabilities
 * @param tail [window][target position] log(1 - sum of the top-k probabilities), clamped like a
 *     rollout's
 */
public record CorpusTeacherScores(
        String windowsSha256,
        String corpusSha256,
        String teacherSha256,
        int topK,
        int[][][] ids,
        float[][][] logp,
        float[][] tail) {

    private static final int MAGIC = 0x44535453; // "DSTS"
    private static final int FORMAT = 1;

    /**
     * Scores every window of {@code corpus} with {@code teacher}, {@code rows} windows per forward
     * pass.
     */
    public static CorpusTeacherScores compute(
            CausalLm teacher,
            String teacherSha256,
            PretrainCorpus corpus,
            int topK,
            int rows,
            IntConsumer progress) {
        int n = corpus.windows();
        int[][][] ids = new int[n][][];
        float[][][] logp = new float[n][][];
        float[][] tail = new float[n][];
        for (int from = 0; from < n; from += rows) {
            List<int[]> batch = new ArrayList<>();
            for (int w = from; w < Math.min(n, from + rows); w++) {
                batch.add(corpus.window(w));
            }
            List<Scorer.Scores> scored = Scorer.score(teacher, batch, topK, false);
            for (int i = 0; i < scored.size(); i++) {
                Scorer.Scores s = scored.get(i);
                int w = from + i;
                ids[w] = s.topIds();
                logp[w] = s.topLogProbs();
                tail[w] = new float[s.topIds().length];
                for (int t = 0; t < tail[w].length; t++) {
                    double mass = 0;
                    for (float lp : s.topLogProbs()[t]) {
                        mass += Math.exp(lp);
                    }
                    tail[w][t] = (float) Math.log(Math.max(1 - mass, 1e-30));
                }
            }
            progress.accept(Math.min(n, from + rows));
        }
        return new CorpusTeacherScores(
                corpus.windowsSha256(), corpus.sha256(), teacherSha256, topK, ids, logp, tail);
    }

    public int windows() {
        return ids.length;
    }

    /** Writes the scores (gzip, atomically: a half-written file never has the final name). */
    public void write(Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".partial");
        try (DataOutputStream out =
                new DataOutputStream(
                        new BufferedOutputStream(
                                new GZIPOutputStream(Files.newOutputStream(tmp)), 1 << 16))) {
            out.writeInt(MAGIC);
            out.writeInt(FORMAT);
            out.writeUTF(windowsSha256);
            out.writeUTF(corpusSha256);
            out.writeUTF(teacherSha256);
            out.writeInt(topK);
            out.writeInt(ids.length);
            for (int w = 0; w < ids.length; w++) {
                out.writeInt(ids[w].length);
                for (int t = 0; t < ids[w].length; t++) {
                    for (int j = 0; j < topK; j++) {
                        out.writeInt(ids[w][t][j]);
                        out.writeFloat(logp[w][t][j]);
                    }
                    out.writeFloat(tail[w][t]);
                }
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * @throws IOException naming the file when it is not a complete scores file of this format
     */
    public static CorpusTeacherScores read(Path file) throws IOException {
        try (DataInputStream in =
                new DataInputStream(
                        new BufferedInputStream(
                                new GZIPInputStream(Files.newInputStream(file)), 1 << 16))) {
            if (in.readInt() != MAGIC) {
                throw new IOException(
                        file
                                + " is not a corpus teacher-scores file (written by distill"
                                + " score-corpus)");
            }
            int format = in.readInt();
            if (format != FORMAT) {
                throw new IOException(
                        file + " has format " + format + "; this version reads format " + FORMAT);
            }
            String windows = in.readUTF();
            String corpus = in.readUTF();
            String teacher = in.readUTF();
            int k = in.readInt();
            int n = in.readInt();
            if (k < 1 || n < 1) {
                throw new IOException(file + " declares top-k " + k + " and " + n + " windows");
            }
            int[][][] ids = new int[n][][];
            float[][][] logp = new float[n][][];
            float[][] tail = new float[n][];
            for (int w = 0; w < n; w++) {
                int len = in.readInt();
                if (len < 1 || len > 1 << 20) {
                    throw new IOException(
                            file + ": window " + w + " declares " + len + " positions");
                }
                ids[w] = new int[len][k];
                logp[w] = new float[len][k];
                tail[w] = new float[len];
                for (int t = 0; t < len; t++) {
                    for (int j = 0; j < k; j++) {
                        ids[w][t][j] = in.readInt();
                        logp[w][t][j] = in.readFloat();
                    }
                    tail[w][t] = in.readFloat();
                }
            }
            if (in.read() != -1) {
                throw new IOException(file + " has data after its last window");
            }
            return new CorpusTeacherScores(windows, corpus, teacher, k, ids, logp, tail);
        } catch (EOFException e) {
            throw new IOException(file + " is truncated", e);
        }
    }
}
