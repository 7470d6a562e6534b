package dev.distill.producer;

import dev.distill.core.data.PromptTemplate;
import dev.distill.platform.kafka.KafkaConnection;
import dev.distill.platform.loop.LoopSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

/**
 * Everything the producer loop needs, as a plain value (from {@link ProducerConfig}, or directly in
 * tests).
 */
record ProducerSettings(
        String runId,
        Path teacher,
        Path initialStudent,
        Path checkpointStore,
        KafkaConnection kafka,
        String registryUrl,
        boolean registerSchemas,
        Mode mode,
        double alpha,
        int supportK,
        int maxNewTokens,
        int maxPromptTokens,
        int batchSize,
        long seed,
        Duration pollTimeout,
        String promptsTopic,
        String rolloutsTopic,
        String checkpointsTopic,
        String deadLettersTopic,
        String instanceId,
        PromptTemplate promptTemplate,
        int promptsPerTransaction) {

    enum Mode {
        SAMPLED,
        TEACHER,
        REFERENCE
    }

    String groupId() {
        return "distill-producer-" + runId;
    }

    /**
     * Unique per instance: instances of a consumer group are fenced through the group (KIP-447).
     */
    String transactionalId() {
        return groupId() + "-" + instanceId;
    }

    /**
     * One transaction's prompts per poll; sampling them can take a while on CPU and must not get
     * the member evicted.
     */
    LoopSettings loop() {
        return new LoopSettings(
                        "producer-teacher",
                        kafka,
                        registryUrl,
                        groupId(),
                        transactionalId(),
                        promptsTopic,
                        LoopSettings.Input.GROUP,
                        promptsPerTransaction,
                        Duration.ofMinutes(10),
                        pollTimeout)
                .withSchemaRegistration(registerSchemas);
    }

    double effectiveAlpha() {
        return mode == Mode.TEACHER ? 1.0 : alpha;
    }

    static ProducerSettings of(ProducerConfig c, KafkaConnection kafka) {
        return new ProducerSettings(
                c.runId(),
                Path.of(c.teacherModel().orElseThrow()),
                Path.of(c.initialStudent().orElseThrow()),
                Path.of(c.checkpointStore().orElseThrow()),
                kafka,
                c.registryUrl(),
                c.registerSchemas(),
                Mode.valueOf(c.mode().toUpperCase(java.util.Locale.ROOT)),
                c.alpha(),
                c.supportK(),
                c.maxNewTokens(),
                c.maxPromptTokens(),
                c.batchSize(),
                c.seed(),
                c.pollTimeout(),
                c.topics().prompts(),
                c.topics().rollouts(),
                c.topics().checkpoints(),
                c.topics().deadLetters(),
                UUID.randomUUID().toString(),
                PromptTemplate.orDefault(
                        c.promptTemplate().orElse(null), c.promptTemplateWithInput().orElse(null)),
                c.promptsPerTransaction());
    }

    /** What is wrong with a configuration, or null. */
    static String problem(ProducerConfig c) {
        if (c.batchSize() <= 0) {
            return "distill.producer.batch-size must be positive";
        }
        if (c.promptsPerTransaction() < c.batchSize()) {
            return "distill.producer.prompts-per-transaction ("
                    + c.promptsPerTransaction()
                    + ") must be at least batch-size ("
                    + c.batchSize()
                    + ")";
        }
        if (!c.mode().matches("(?i)sampled|teacher|reference")) {
            return "distill.producer.mode must be sampled, teacher or reference, not " + c.mode();
        }
        if (!(c.alpha() >= 0 && c.alpha() <= 1)) {
            return "distill.producer.alpha must be in [0, 1]";
        }
        if (c.supportK() < 1 || c.maxNewTokens() < 1 || c.maxPromptTokens() < 1) {
            return "support-k, max-new-tokens and max-prompt-tokens must be positive";
        }
        try {
            PromptTemplate.orDefault(
                    c.promptTemplate().orElse(null), c.promptTemplateWithInput().orElse(null));
        } catch (IllegalArgumentException e) {
            return "distill.producer.prompt-template: " + e.getMessage();
        }
        if (c.enabled() && (c.teacherModel().isEmpty() || c.initialStudent().isEmpty())) {
            return "distill.producer.teacher-model and initial-student are required";
        }
        if (c.enabled() && c.checkpointStore().isEmpty()) {
            return "distill.producer.checkpoint-store is required: the trainer's checkpoint-dir,"
                    + " the only place the producer loads published students from";
        }
        if (c.enabled()
                && dev.distill.core.checkpoint.CheckpointStore.at(
                                Path.of(c.checkpointStore().orElseThrow()))
                        .contains(Path.of(c.teacherModel().orElseThrow()))) {
            return "distill.producer.teacher-model must not lie inside checkpoint-store: a"
                    + " checkpoint event could then name the teacher as a student";
        }
        return null;
    }
}
