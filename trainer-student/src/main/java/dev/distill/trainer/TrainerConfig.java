package dev.distill.trainer;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * The trainer's own settings; topic names default to the platform's and may be renamed per
 * deployment.
 */
@ConfigMapping(prefix = "distill.trainer")
public interface TrainerConfig {

    /**
     * Where student checkpoints are written; relative paths resolve against the working directory.
     */
    @WithDefault("runs/checkpoints")
    String checkpointDir();

    /** Whether the consume-train-publish loop runs (off only for tests of the HTTP surface). */
    @WithDefault("true")
    boolean enabled();

    /** The distillation run this trainer serves; one trainer per run. */
    @WithDefault("default")
    String runId();

    /**
     * Version 0 of the student: a checkpoint directory (ours or Hugging Face GPT-2). Required when
     * enabled.
     */
    Optional<String> initialCheckpoint();

    /** Apicurio Registry native API, e.g. http://registry:8080/apis/registry/v3. */
    @WithDefault("http://localhost:8080/apis/registry/v3")
    String registryUrl();

    /**
     * Whether this service registers the schemas it writes when the registry lacks them. Off where
     * the registry takes writes only from an authenticated registrar, who registers them first
     * ({@code distill register-schemas}); then every record uses an already registered schema.
     */
    @WithDefault("true")
    boolean registerSchemas();

    @WithDefault("minillm")
    String objective();

    @WithDefault("4")
    int epochs();

    @WithDefault("8")
    int miniBatch();

    /** Valid rollouts that make a round (one checkpoint). */
    @WithDefault("64")
    int rolloutsPerRound();

    @WithDefault("5e-4")
    double learningRate();

    /**
     * Rollouts sampled with a student more than this many versions old are dropped and counted. 1
     * lets the producer sample the next round while this one trains (one-step-off); 0 is strict
     * on-policy.
     */
    @WithDefault("1")
    int maxStaleness();

    @WithDefault("0")
    long seed();

    /** Stop after this many rounds (0 = run until shut down). */
    @WithDefault("0")
    int maxRounds();

    @WithDefault("1s")
    Duration pollTimeout();

    /**
     * MiniLLM's pre-training term L_pt: a UTF-8 text file (plain or .gz), one document per line,
     * cut into windows of {@link #pretrainWindowTokens()} tokens; every optimiser step adds the
     * language-modelling loss on one batch of them. Absent: no L_pt term.
     */
    Optional<String> pretrainCorpus();

    /** Weight of L_pt in the loss (the paper uses 1). */
    @WithDefault("1.0")
    double pretrainCoef();

    /** Tokens per pre-training window (capped at the student's context length). */
    @WithDefault("64")
    int pretrainWindowTokens();

    /**
     * The teacher's share in L_pt = (1 - share) CE + share teacher cross-entropy: 0.5 as in the
     * reference code, which needs {@link #pretrainTeacherScores()}; 0 = plain language modelling.
     */
    @WithDefault("0.5")
    double pretrainTeacherShare();

    /** The teacher's scores of the corpus's windows, written by {@code distill score-corpus}. */
    Optional<String> pretrainTeacherScores();

    /**
     * The KD baseline's teacher share: (1 - kd) CE + kd teacher cross-entropy (the reference code's
     * 0.5).
     */
    @WithDefault("0.5")
    double kdRatio();

    /** MiniLLM: divide returns by the tokens remaining (false = the paper's ablation). */
    @WithDefault("true")
    boolean lengthNormalise();

    /** MiniLLM: add the single-step reverse-KL regulariser (false = the paper's ablation). */
    @WithDefault("true")
    boolean singleStepRegulariser();

    /**
     * Instead of training: replay the round that produced this version, report whether the hash
     * matches, exit.
     */
    Optional<Long> replayVersion();

    Topics topics();

    interface Topics {
        @WithDefault("distill.rollouts")
        String rollouts();

        @WithDefault("distill.checkpoints")
        String checkpoints();

        @WithDefault("distill.dead-letters")
        String deadLetters();
    }
}
