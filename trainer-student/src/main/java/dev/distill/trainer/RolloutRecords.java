package dev.distill.trainer;

import dev.distill.core.data.Rollout;
import dev.distill.schemas.avro.TokenScore;

import java.util.List;

/** Maps the Avro Rollout of distill.rollouts to distill-core's type. */
final class RolloutRecords {
    private RolloutRecords() {}

    /** @param source "topic-partition@offset", carried into lineage and error messages */
    static Rollout toCore(dev.distill.schemas.avro.Rollout r, String source) {
        List<TokenScore> tokens = r.getTokens();
        int n = tokens.size();
        float[] logp = new float[n];
        float[] logq = new float[n];
        float[] tail = new float[n];
        int[][] ids = new int[n][];
        float[][] sLogp = new float[n][];
        for (int t = 0; t < n; t++) {
            TokenScore s = tokens.get(t);
            logp[t] = s.getTeacherLogProb();
            logq[t] = s.getBehaviourLogProb();
            tail[t] = s.getTeacherTailLogMass();
            ids[t] = s.getSupportIds().stream().mapToInt(Integer::intValue).toArray();
            float[] lp = new float[s.getSupportTeacherLogProbs().size()];
            for (int j = 0; j < lp.length; j++) {
                lp[j] = s.getSupportTeacherLogProbs().get(j);
            }
            sLogp[t] = lp;
        }
        return new Rollout(r.getRolloutId(), r.getPromptId(), r.getRunId(), Rollout.Kind.valueOf(r.getKind().name()),
                r.getPromptTokens().stream().mapToInt(Integer::intValue).toArray(),
                r.getResponseTokens().stream().mapToInt(Integer::intValue).toArray(), r.getBehaviourVersion(),
                r.getTeacherModel(), r.getAlpha(), r.getSeed(), logp, logq, ids, sLogp, tail, source);
    }
}
