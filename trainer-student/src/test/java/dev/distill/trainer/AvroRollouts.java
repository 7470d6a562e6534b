package dev.distill.trainer;

import dev.distill.core.data.Rollout;
import dev.distill.schemas.avro.RolloutKind;
import dev.distill.schemas.avro.TokenScore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** distill-core rollouts to the Avro records a producer-teacher publishes (test side of the mapping). */
final class AvroRollouts {
    private AvroRollouts() {}

    static dev.distill.schemas.avro.Rollout toAvro(Rollout r) {
        List<TokenScore> tokens = new ArrayList<>();
        for (int t = 0; t < r.length(); t++) {
            List<Float> lp = new ArrayList<>();
            for (float x : r.supportTeacherLogProbs()[t]) {
                lp.add(x);
            }
            tokens.add(new TokenScore(r.teacherLogProbs()[t], r.behaviourLogProbs()[t],
                    Arrays.stream(r.supportIds()[t]).boxed().toList(), lp, r.teacherTailLogMass()[t]));
        }
        return dev.distill.schemas.avro.Rollout.newBuilder()
                .setRolloutId(r.rolloutId()).setPromptId(r.promptId()).setRunId(r.runId())
                .setKind(RolloutKind.valueOf(r.kind().name()))
                .setPromptTokens(Arrays.stream(r.promptTokens()).boxed().toList())
                .setResponseTokens(Arrays.stream(r.responseTokens()).boxed().toList())
                .setBehaviourVersion(r.behaviourVersion()).setTeacherModel(r.teacherModel()).setAlpha(r.alpha())
                .setSeed(r.seed()).setTokens(tokens).setCreatedAt(Instant.ofEpochMilli(0)).build();
    }
}
