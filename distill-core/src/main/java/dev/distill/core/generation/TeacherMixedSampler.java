package dev.distill.core.generation;

import dev.distill.core.data.Rollout;
import dev.distill.core.model.CausalLm;
import dev.distill.core.objective.SupportGap;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SplittableRandom;

/**
 * MiniLLM's sampler: teacher and behaviour student decode in lockstep with KV caches, and each
 * token is drawn from p~ = alpha p + (1 - alpha) q_old (temperature 1, no truncation). Each
 * response token is recorded with log p(y_t), log q_old(y_t) and the teacher's scores on the
 * support set S_t = top-k(p) union top-k(q_old) plus the teacher's log tail mass: all the trainer
 * needs, without the teacher. alpha = 1 gives teacher samples (SeqKD), alpha = 0 on-policy student
 * samples (GKD).
 */
public final class TeacherMixedSampler {
    private TeacherMixedSampler() {}

    public record Config(
            double alpha, int maxNewTokens, int supportK, int eosId, String teacherName) {
        public Config {
            if (!(alpha >= 0 && alpha <= 1)) {
                throw new IllegalArgumentException("alpha must be in [0, 1], got " + alpha);
            }
            if (supportK < 1 || maxNewTokens < 1) {
                throw new IllegalArgumentException("support k and max new tokens must be >= 1");
            }
        }
    }

    /**
     * @param seed drives this prompt's draws alone, so a prompt samples the same response whatever
     *     batch it lands in (producers derive it from run, prompt and student version)
     */
    public record Prompt(String promptId, int[] tokens, long seed) {}

    public static List<Rollout> sample(
            CausalLm teacher,
            CausalLm behaviour,
            long behaviourVersion,
            String runId,
            List<Prompt> prompts,
            Config cfg) {
        int vocab = teacher.config().vocabSize();
        if (behaviour.config().vocabSize() != vocab) {
            throw new IllegalArgumentException(
                    "teacher vocabulary "
                            + vocab
                            + " differs from the student's "
                            + behaviour.config().vocabSize());
        }
        int b = prompts.size();
        List<int[]> tokens = prompts.stream().map(Prompt::tokens).toList();
        Row[] rows = new Row[b];
        boolean[] live = new boolean[b];
        for (int r = 0; r < b; r++) {
            rows[r] = new Row(new SplittableRandom(prompts.get(r).seed()));
            live[r] = true;
        }
        int remaining = b;
        try (BatchDecoder t = new BatchDecoder(teacher, tokens, cfg.maxNewTokens());
                BatchDecoder s = new BatchDecoder(behaviour, tokens, cfg.maxNewTokens())) {
            float[] pLogits = t.prefill();
            float[] qLogits = s.prefill();
            for (int step = 0; step < cfg.maxNewTokens() && remaining > 0; step++) {
                int[] next = new int[b];
                for (int r = 0; r < b; r++) {
                    if (!live[r]) {
                        continue;
                    }
                    double[] lp = logSoftmax(pLogits, r, vocab);
                    double[] lq = logSoftmax(qLogits, r, vocab);
                    int y = draw(lp, lq, cfg.alpha(), rows[r].rng);
                    rows[r].record(y, lp, lq, cfg.supportK());
                    next[r] = y;
                    if (y == cfg.eosId()
                            || behaviour.config().isEos(y)
                            || teacher.config().isEos(y)) {
                        live[r] = false;
                        remaining--;
                    }
                }
                if (remaining > 0 && step < cfg.maxNewTokens() - 1) {
                    pLogits = t.feed(next, live);
                    qLogits = s.feed(next, live);
                }
            }
        }
        List<Rollout> out = new ArrayList<>(b);
        for (int r = 0; r < b; r++) {
            Prompt p = prompts.get(r);
            Rollout.Kind kind = cfg.alpha() == 1 ? Rollout.Kind.TEACHER : Rollout.Kind.SAMPLED;
            String id = runId + "/" + p.promptId() + "/v" + behaviourVersion + "/s" + p.seed();
            out.add(rows[r].toRollout(id, p, runId, kind, behaviourVersion, cfg));
        }
        return out;
    }

    private static double[] logSoftmax(float[] logits, int row, int vocab) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            float v = logits[row * vocab + i];
            if (Float.isNaN(v)) {
                throw new IllegalStateException("model produced a NaN logit for token " + i);
            }
            max = Math.max(max, v);
        }
        double z = 0;
        for (int i = 0; i < vocab; i++) {
            z += Math.exp(logits[row * vocab + i] - max);
        }
        double logZ = max + Math.log(z);
        double[] out = new double[vocab];
        for (int i = 0; i < vocab; i++) {
            out[i] = logits[row * vocab + i] - logZ;
        }
        return out;
    }

    private static int draw(double[] lp, double[] lq, double alpha, SplittableRandom rng) {
        double u = rng.nextDouble();
        double cum = 0;
        int last = 0;
        for (int i = 0; i < lp.length; i++) {
            double p = alpha * Math.exp(lp[i]) + (1 - alpha) * Math.exp(lq[i]);
            if (p > 0) {
                cum += p;
                last = i;
                if (u < cum) {
                    return i;
                }
            }
        }
        return last;
    }

    /** What one row accumulates while decoding. */
    private static final class Row {
        final SplittableRandom rng;
        final List<Integer> ids = new ArrayList<>();
        final List<Float> logp = new ArrayList<>();
        final List<Float> logq = new ArrayList<>();
        final List<int[]> supportIds = new ArrayList<>();
        final List<float[]> supportLogp = new ArrayList<>();
        final List<Float> tail = new ArrayList<>();
        double gapSum;

        Row(SplittableRandom rng) {
            this.rng = rng;
        }

        void record(int y, double[] lp, double[] lq, int k) {
            ids.add(y);
            logp.add((float) lp[y]);
            logq.add((float) lq[y]);
            LinkedHashSet<Integer> support = new LinkedHashSet<>();
            for (int i : TopK.indices(lp, k)) {
                support.add(i);
            }
            for (int i : TopK.indices(lq, k)) {
                support.add(i);
            }
            int[] sIds = support.stream().mapToInt(Integer::intValue).toArray();
            float[] sLp = new float[sIds.length];
            double mass = 0;
            for (int j = 0; j < sIds.length; j++) {
                sLp[j] = (float) lp[sIds[j]];
                mass += Math.exp(lp[sIds[j]]);
            }
            supportIds.add(sIds);
            supportLogp.add(sLp);
            // Clamped so a support that holds all the mass gives a finite log tail (validated
            // downstream).
            tail.add((float) Math.log(Math.max(1 - mass, 1e-30)));
            gapSum += SupportGap.at(lq, lp, sIds);
        }

        Rollout toRollout(
                String id, Prompt p, String runId, Rollout.Kind kind, long version, Config cfg) {
            int n = ids.size();
            float[] lpArr = new float[n];
            float[] lqArr = new float[n];
            float[] tailArr = new float[n];
            for (int i = 0; i < n; i++) {
                lpArr[i] = logp.get(i);
                lqArr[i] = logq.get(i);
                tailArr[i] = tail.get(i);
            }
            return new Rollout(
                    id,
                    p.promptId(),
                    runId,
                    kind,
                    p.tokens().clone(),
                    ids.stream().mapToInt(Integer::intValue).toArray(),
                    version,
                    cfg.teacherName(),
                    cfg.alpha(),
                    p.seed(),
                    lpArr,
                    lqArr,
                    supportIds.toArray(new int[0][]),
                    supportLogp.toArray(new float[0][]),
                    tailArr,
                    gapSum / n,
                    null);
        }
    }
}
