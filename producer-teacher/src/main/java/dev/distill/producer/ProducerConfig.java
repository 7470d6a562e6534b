package dev.distill.producer;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** The producer-teacher's own settings; topic names default to the platform's. */
@ConfigMapping(prefix = "distill.producer")
public interface ProducerConfig {

    /** Whether the consume-sample-publish loop runs (off only for tests of the HTTP surface). */
    @WithDefault("true")
    boolean enabled();

    @WithDefault("default")
    String runId();

    /**
     * Teacher checkpoint directory (ours or Hugging Face GPT-2, with its tokenizer). Required when
     * enabled.
     */
    Optional<String> teacherModel();

    /** Student version 0, used until the trainer publishes a checkpoint. Required when enabled. */
    Optional<String> initialStudent();

    /**
     * The trainer's checkpoint-dir, as mounted here. Published students are loaded only from inside
     * it; a checkpoint event naming anything else is dead-lettered unopened. Required when enabled.
     */
    Optional<String> checkpointStore();

    @WithDefault("http://localhost:8080/apis/registry/v3")
    String registryUrl();

    /**
     * Whether this service registers the schemas it writes when the registry lacks them. Off where
     * the registry takes writes only from an authenticated registrar, who registers them first
     * ({@code distill register-schemas}); then every record uses an already registered schema.
     */
    @WithDefault("true")
    boolean registerSchemas();

    /**
     * sampled (MiniLLM, teacher mix), teacher (SeqKD, alpha = 1) or reference (KD, teacher-forced
     * references).
     */
    @WithDefault("sampled")
    String mode();

    @WithDefault("0.2")
    double alpha();

    /** k of the support set: teacher top-k union student top-k. */
    @WithDefault("32")
    int supportK();

    @WithDefault("64")
    int maxNewTokens();

    /** Prompts longer than this (in teacher tokens) are dead-lettered. */
    @WithDefault("448")
    int maxPromptTokens();

    /** Prompts sampled together in one batch; must be positive. */
    @WithDefault("8")
    int batchSize();

    /**
     * Prompts per poll and per Kafka transaction, sampled in batches of batch-size. A transaction
     * costs tens of milliseconds (the offsets, the commit markers); one per batch of 8 cost the
     * producer about a fifth of its throughput. At least batch-size.
     */
    @WithDefault("32")
    int promptsPerTransaction();

    @WithDefault("0")
    long seed();

    /**
     * The prompt format for items without input, with {instruction}; set together with
     * prompt-template-with-input (with {instruction} and {input}). Default: the instruction and a
     * newline. The evaluator must use the same.
     */
    Optional<String> promptTemplate();

    Optional<String> promptTemplateWithInput();

    @WithDefault("500ms")
    Duration pollTimeout();

    Topics topics();

    interface Topics {
        @WithDefault("distill.prompts")
        String prompts();

        @WithDefault("distill.rollouts")
        String rollouts();

        @WithDefault("distill.checkpoints")
        String checkpoints();

        @WithDefault("distill.dead-letters")
        String deadLetters();
    }
}
