package dev.distill.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.distill.core.data.Rollout;
import dev.distill.core.model.AttentionMask;
import dev.distill.core.objective.ObjectiveLoss;
import dev.distill.core.objective.TeacherSupport;
import java.util.List;

/**
 * A mini-batch of rollouts as tensors. Prompts are left-padded to a common length P so every
 * response starts at column P; the logits at columns P-1 .. P+T-2 then predict response tokens 0 ..
 * T-1 for all rows at once. Responses are right-padded to T; support sets to K.
 */
record RolloutBatch(
        NDArray ids,
        NDArray positions,
        NDArray attentionMask,
        int promptColumns,
        int responseLength,
        ObjectiveLoss.Inputs inputs,
        long tokens) {

    static RolloutBatch of(NDManager m, List<Rollout> rollouts) {
        int b = rollouts.size();
        int p = 0;
        int t = 0;
        int k = 1;
        for (Rollout r : rollouts) {
            p = Math.max(p, r.promptTokens().length);
            t = Math.max(t, r.length());
            for (int[] s : r.supportIds()) {
                k = Math.max(k, s.length);
            }
        }
        int l = p + t - 1; // the last response token is predicted, never fed
        long[] ids = new long[b * l];
        long[] pos = new long[b * l];
        boolean[][] valid = new boolean[b][l];
        long[] y = new long[b * t];
        float[] mask = new float[b * t];
        float[] logp = new float[b * t];
        float[] logq = new float[b * t];
        float[] alpha = new float[b];
        long[] sIds = new long[b * t * k];
        float[] sValid = new float[b * t * k];
        float[] sLogp = new float[b * t * k];
        float[] tail = new float[b * t];
        long tokens = 0;
        for (int r = 0; r < b; r++) {
            Rollout ro = rollouts.get(r);
            int[] prompt = ro.promptTokens();
            int pad = p - prompt.length;
            for (int j = 0; j < prompt.length; j++) {
                ids[r * l + pad + j] = prompt[j];
                pos[r * l + pad + j] = j;
                valid[r][pad + j] = true;
            }
            int n = ro.length();
            tokens += n;
            alpha[r] = (float) ro.alpha();
            for (int j = 0; j < n; j++) {
                if (p + j < l) {
                    ids[r * l + p + j] = ro.responseTokens()[j];
                    pos[r * l + p + j] = prompt.length + j;
                    valid[r][p + j] = true;
                }
                int at = r * t + j;
                y[at] = ro.responseTokens()[j];
                mask[at] = 1f;
                logp[at] = ro.teacherLogProbs()[j];
                logq[at] = ro.behaviourLogProbs()[j];
                tail[at] = ro.teacherTailLogMass()[j];
                int[] s = ro.supportIds()[j];
                for (int i = 0; i < s.length; i++) {
                    sIds[at * k + i] = s[i];
                    sValid[at * k + i] = 1f;
                    sLogp[at * k + i] = ro.supportTeacherLogProbs()[j][i];
                }
            }
        }
        ObjectiveLoss.Inputs in =
                new ObjectiveLoss.Inputs(
                        m.create(y, new Shape(b, t)),
                        m.create(mask, new Shape(b, t)),
                        m.create(logp, new Shape(b, t)),
                        m.create(logq, new Shape(b, t)),
                        m.create(alpha, new Shape(b, 1)),
                        new TeacherSupport(
                                m.create(sIds, new Shape(b, t, k)),
                                m.create(sValid, new Shape(b, t, k)),
                                m.create(sLogp, new Shape(b, t, k)),
                                m.create(tail, new Shape(b, t))));
        return new RolloutBatch(
                m.create(ids, new Shape(b, l)),
                m.create(pos, new Shape(b, l)),
                AttentionMask.causalPadded(m, valid, l),
                p,
                t,
                in,
                tokens);
    }

    /** (B, L, V) logits of the whole input to (B, T, V) logits predicting the response tokens. */
    NDArray responseLogits(NDArray logits) {
        return logits.get(":, " + (promptColumns - 1) + ":, :");
    }
}
