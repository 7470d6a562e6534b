package dev.distill.trainer;

import dev.distill.core.objective.Objective;
import dev.distill.core.objective.ObjectiveConfig;
import dev.distill.core.train.AdamW;
import dev.distill.core.train.LearningRate;
import dev.distill.core.train.StudentTrainer;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything the trainer loop needs, as a plain value (built from {@link TrainerConfig} in the service,
 * directly in tests).
 */
record TrainerSettings(String runId, Path checkpointRoot, Path initialCheckpoint, String bootstrapServers,
                       String registryUrl, String rolloutsTopic, String checkpointsTopic, String deadLettersTopic,
                       Objective objective, int epochs, int miniBatchSize, int rolloutsPerRound, double learningRate,
                       int maxStaleness, long seed, int maxRounds, Duration pollTimeout) {

    String groupId() {
        return "distill-trainer-" + runId;
    }

    /** One trainer per run: a fixed transactional id fences a zombie predecessor after a restart. */
    String transactionalId() {
        return "distill-trainer-" + runId;
    }

    Path runDir() {
        return checkpointRoot.resolve(runId);
    }

    StudentTrainer.Config trainerConfig() {
        return new StudentTrainer.Config(ObjectiveConfig.defaults(objective), epochs, miniBatchSize, AdamW.Settings.gpt(),
                LearningRate.constant(learningRate), maxStaleness, seed);
    }
}
