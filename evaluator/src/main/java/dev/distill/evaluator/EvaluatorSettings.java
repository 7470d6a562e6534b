package dev.distill.evaluator;

import dev.distill.core.data.PromptTemplate;
import dev.distill.platform.kafka.KafkaConnection;
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
        Path checkpointStore,
        KafkaConnection kafka,
        String registryUrl,
        boolean registerSchemas,
        long[] seeds,
        int maxNewTokens,
        int batchSize,
        int exAccErrSteps,
        String checkpointsTopic,
        String evaluationsTopic,
        String deadLettersTopic,
        Duration pollTimeout,
        PromptTemplate promptTemplate,
        int every,
        Shard shard) {

    /**
     * One checkpoint per poll when every version is scored (scoring one can take minutes on CPU);
     * with every n-th, 4n per poll, so that a poll scores at most 5 and skips the rest.
     */
    LoopSettings loop() {
        return new LoopSettings(
                        "evaluator",
                        kafka,
                        registryUrl,
                        groupId(),
                        transactionalId(),
                        checkpointsTopic,
                        LoopSettings.Input.GROUP,
                        every == 1 ? 1 : 4 * every,
                        Duration.ofMinutes(30),
                        pollTimeout)
                .withSchemaRegistration(registerSchemas);
    }

    String groupId() {
        return "distill-evaluator-" + runId + shard.idSuffix();
    }

    String transactionalId() {
        return "distill-evaluator-" + runId + shard.idSuffix();
    }
}
