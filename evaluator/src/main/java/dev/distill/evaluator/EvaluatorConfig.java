package dev.distill.evaluator;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/** The evaluator's own settings; topic names default to the platform's. */
@ConfigMapping(prefix = "distill.evaluator")
public interface EvaluatorConfig {

    /** Held-out prompts scored per checkpoint; bounds evaluation time. Must be positive. */
    @WithDefault("200")
    int heldOutLimit();

    /** Whether the consume-evaluate-publish loop runs (off only for tests of the HTTP surface). */
    @WithDefault("true")
    boolean enabled();

    @WithDefault("default")
    String runId();

    /** Held-out JSONL ({"instruction", "context"?, "references": [...]}). Required when enabled. */
    Optional<String> heldOut();

    /** Name reported with the scores (default: the held-out file name). */
    Optional<String> dataset();

    /**
     * Directory holding the tokenizer.json of the run's models (default: each checkpoint's own,
     * else GPT-2).
     */
    Optional<String> tokenizerDir();

    /**
     * The prompt format, as the run's producer has it (distill.producer.prompt-template and
     * prompt-template-with-input): set both or neither. Default: the instruction and a newline.
     */
    Optional<String> promptTemplate();

    Optional<String> promptTemplateWithInput();

    /**
     * The trainer's checkpoint-dir, as mounted here. Checkpoints are scored only from inside it; a
     * checkpoint event naming anything else is dead-lettered unopened. Required when enabled.
     */
    Optional<String> checkpointStore();

    /** Teacher checkpoint, to report the reverse KL from each student to it (optional). */
    Optional<String> teacherModel();

    @WithDefault("http://localhost:8080/apis/registry/v3")
    String registryUrl();

    /**
     * Whether this service registers the schemas it writes when the registry lacks them. Off where
     * the registry takes writes only from an authenticated registrar, who registers them first
     * ({@code distill register-schemas}); then every record uses an already registered schema.
     */
    @WithDefault("true")
    boolean registerSchemas();

    /** Sampling seeds; Rouge-L is averaged over them and its spread reported. */
    @WithDefault("10,20,30")
    List<Long> seeds();

    @WithDefault("64")
    int maxNewTokens();

    @WithDefault("16")
    int batchSize();

    /**
     * Response length l at which to measure exposure bias (ExAccErr, with the teacher as oracle); 0
     * = off. Needs teacher-model.
     */
    @WithDefault("0")
    int exAccErrSteps();

    /**
     * Score every n-th version of the run, and always the newest one the evaluator has read: an
     * evaluator that has fallen behind skips the versions in between instead of scoring them all
     * late. 1 scores every checkpoint.
     */
    @WithDefault("1")
    int every();

    /**
     * How many evaluators score this run, each its own share of the versions (version mod shards =
     * shard). 1 = this evaluator scores them all.
     */
    @WithDefault("1")
    int shards();

    /** This evaluator's share, 0 to shards - 1. */
    @WithDefault("0")
    int shard();

    Topics topics();

    interface Topics {
        @WithDefault("distill.checkpoints")
        String checkpoints();

        @WithDefault("distill.evaluations")
        String evaluations();

        @WithDefault("distill.dead-letters")
        String deadLetters();
    }
}
