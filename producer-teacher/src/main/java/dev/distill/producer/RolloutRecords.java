package dev.distill.producer;

import dev.distill.core.data.Rollout;
import dev.distill.schemas.avro.RolloutKind;
import dev.distill.schemas.avro.TokenScore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** distill-core rollouts to the Avro records of distill.rollouts. */
final class RolloutRecords {
    private RolloutRecords() {}

    static dev.distill.schemas.avro.Rollout toAvro(Rollout r, Instant createdAt) {
        List<TokenScore> tokens = new ArrayList<>(r.length());
        for (int t = 0; t < r.length(); t++) {
            float[] lp = r.supportTeacherLogProbs()[t];
            List<Float> logps = new ArrayList<>(lp.length);
            for (float x : lp) {
                logps.add(x);
            }
            tokens.add(new TokenScore(r.teacherLogProbs()[t], r.behaviourLogProbs()[t],
                    Arrays.stream(r.supportIds()[t]).boxed().toList(), logps, r.teacherTailLogMass()[t]));
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
                .setCreatedAt(createdAt)
                .build();
    }
}
