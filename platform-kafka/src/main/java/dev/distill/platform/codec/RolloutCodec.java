package dev.distill.platform.codec;

import dev.distill.core.data.Rollout;
import dev.distill.schemas.avro.RolloutKind;
import dev.distill.schemas.avro.TokenScore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The one mapping between distill-core's {@link Rollout} and the Avro record on distill.rollouts:
 * the producer encodes with it, the trainer and replay decode with it, so the two can never drift
 * apart.
 */
public final class RolloutCodec {
    private RolloutCodec() {}

    public static dev.distill.schemas.avro.Rollout toAvro(Rollout r, Instant createdAt) {
        List<TokenScore> tokens = new ArrayList<>(r.length());
        for (int t = 0; t < r.length(); t++) {
            float[] lp = r.supportTeacherLogProbs()[t];
            List<Float> logps = new ArrayList<>(lp.length);
            for (float x : lp) {
                logps.add(x);
            }
            tokens.add(
                    new TokenScore(
                            r.teacherLogProbs()[t],
                            r.behaviourLogProbs()[t],
                            Arrays.stream(r.supportIds()[t]).boxed().toList(),
                            logps,
                            r.teacherTailLogMass()[t]));
        }
        return dev.distill.schemas.avro.Rollout.newBuilder()
                .setRolloutId(r.rolloutId())
                .setPromptId(r.promptId())
                .setRunId(r.runId())
                .setKind(RolloutKind.valueOf(r.kind().name()))
                .setPromptTokens(Arrays.stream(r.promptTokens()).boxed().toList())
                .setResponseTokens(Arrays.stream(r.responseTokens()).boxed().toList())
                .setBehaviourVersion(r.behaviourVersion())
                .setTeacherModel(r.teacherModel())
                .setAlpha(r.alpha())
                .setSeed(r.seed())
                .setTokens(tokens)
                .setSupportKlGap(r.supportKlGap())
                .setCreatedAt(createdAt)
                .build();
    }

    /**
     * @param source "topic-partition@offset", carried into lineage and error messages
     */
    public static Rollout toCore(dev.distill.schemas.avro.Rollout r, String source) {
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
        return new Rollout(
                r.getRolloutId(),
                r.getPromptId(),
                r.getRunId(),
                Rollout.Kind.valueOf(r.getKind().name()),
                r.getPromptTokens().stream().mapToInt(Integer::intValue).toArray(),
                r.getResponseTokens().stream().mapToInt(Integer::intValue).toArray(),
                r.getBehaviourVersion(),
                r.getTeacherModel(),
                r.getAlpha(),
                r.getSeed(),
                logp,
                logq,
                ids,
                sLogp,
                tail,
                r.getSupportKlGap(),
                source);
    }
}
