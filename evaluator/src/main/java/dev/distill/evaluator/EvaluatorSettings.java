package dev.distill.evaluator;

import dev.distill.core.data.PromptTemplate;
import dev.distill.platform.loop.LoopSettings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything the evaluator loop needs, as a plain value (from {@link EvaluatorConfig}, or directly
 * in tests).
 */
record EvaluatorSettings(
        String runId,
        Path heldOut,
        String dataset,
        int heldOutLimit,
        Path tokenizerDir,
        Path teacher,
        String bootstrapServers,
        String registryUrl,
        long[] seeds,
        int maxNewTokens,
        int batchSize,
        int exAccErrSteps,
        String checkpointsTopic,
        String evaluationsTopic,
        String deadLettersTopic,
        Duration pollTimeout,
        PromptTemplate promptTemplate) {

    /** One checkpoint per poll: scoring one can take minutes on CPU. */
    LoopSettings loop() {
        return new LoopSettings(
                "evaluator",
                bootstrapServers,
                registryUrl,
                groupId(),
                transactionalId(),
                checkpointsTopic,
                LoopSettings.Input.GROUP,
                1,
                Duration.ofMinutes(30),
                pollTimeout);
    }

    String groupId() {
        return "distill-evaluator-" + runId;
    }

    String transactionalId() {
        return "distill-evaluator-" + runId;
    }
}
