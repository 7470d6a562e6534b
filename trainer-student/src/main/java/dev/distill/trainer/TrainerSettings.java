package dev.distill.trainer;

import dev.distill.core.data.TextCorpus;
import dev.distill.core.model.ModelConfig;
import dev.distill.core.objective.ObjectiveConfig;
import dev.distill.core.tokenizer.Tokenizer;
import dev.distill.core.tokenizer.Tokenizers;
import dev.distill.core.train.AdamW;
import dev.distill.core.train.CorpusTeacherScores;
import dev.distill.core.train.LearningRate;
import dev.distill.core.train.PretrainBatch;
import dev.distill.core.train.PretrainCorpus;
import dev.distill.core.train.StudentTrainer;
import dev.distill.platform.kafka.KafkaConnection;
import dev.distill.platform.loop.LoopSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything the trainer loop needs, as a plain value (built from {@link TrainerConfig} in the
 * service, directly in tests).
 */
record TrainerSettings(
        String runId,
        Path checkpointRoot,
        Path initialCheckpoint,
        KafkaConnection kafka,
        String registryUrl,
        boolean registerSchemas,
        String rolloutsTopic,
        String checkpointsTopic,
        String deadLettersTopic,
        ObjectiveConfig objective,
        int epochs,
        int miniBatchSize,
        int rolloutsPerRound,
        double learningRate,
        int maxStaleness,
        long seed,
        int maxRounds,
        Duration pollTimeout,
        Pretrain pretrain) {

    /**
     * MiniLLM's L_pt term: a text corpus (one document per line), its weight and window length, and
     * the teacher's share with the teacher's offline scores of the corpus (needed when the share is
     * > 0); null = no term.
     */
    record Pretrain(
            Path corpus, double coef, int windowTokens, double teacherShare, Path teacherScores) {
        Pretrain {
            if (!(coef > 0) || windowTokens < 2) {
                throw new IllegalArgumentException(
                        "pre-training weight must be > 0 and windows >= 2 tokens, got "
                                + coef
                                + " and "
                                + windowTokens);
            }
            if (!(teacherShare >= 0 && teacherShare <= 1)) {
                throw new IllegalArgumentException(
                        "the teacher's share in L_pt must be in [0, 1], got " + teacherShare);
            }
            if (teacherShare > 0 && teacherScores == null) {
                throw new IllegalArgumentException(
                        "L_pt with the teacher's share "
                                + teacherShare
                                + " needs the teacher's scores of the corpus: write them with"
                                + " 'distill score-corpus' and set"
                                + " distill.trainer.pretrain-teacher-scores, or set"
                                + " distill.trainer.pretrain-teacher-share=0 for plain language"
                                + " modelling");
            }
        }

        /** Plain language modelling on {@code corpus}, no teacher share. */
        static Pretrain plain(Path corpus, double coef, int windowTokens) {
            return new Pretrain(corpus, coef, windowTokens, 0, null);
        }
    }

    /**
     * The L_pt corpus tokenized with the initial checkpoint's tokenizer, or null when the run has
     * no such term.
     */
    PretrainCorpus loadPretrain(ModelConfig model) throws IOException {
        if (pretrain == null) {
            return null;
        }
        Tokenizer tok = Tokenizers.forCheckpoint(initialCheckpoint, model.vocabSize());
        PretrainCorpus corpus =
                PretrainCorpus.load(
                        pretrain.corpus(),
                        TextCorpus.Separator.LINE,
                        tok,
                        model.eosTokenId(),
                        Math.min(pretrain.windowTokens(), model.nPositions()));
        return pretrain.teacherShare() == 0
                ? corpus
                : corpus.withTeacherScores(CorpusTeacherScores.read(pretrain.teacherScores()));
    }

    /**
     * One batch per optimiser step of the round that trains {@code parentVersion + 1}; empty
     * without a corpus.
     */
    List<PretrainBatch> pretrainBatches(PretrainCorpus corpus, long parentVersion) {
        if (corpus == null) {
            return List.of();
        }
        int steps = epochs * ((rolloutsPerRound + miniBatchSize - 1) / miniBatchSize);
        return corpus.forRound(seed, parentVersion, steps, miniBatchSize);
    }

    /**
     * Every partition, one round's rollouts per poll at most (keeps the overshoot small); a round
     * may take minutes.
     */
    LoopSettings loop() {
        return new LoopSettings(
                        "trainer-student",
                        kafka,
                        registryUrl,
                        groupId(),
                        transactionalId(),
                        rolloutsTopic,
                        LoopSettings.Input.ALL_PARTITIONS,
                        Math.max(1, rolloutsPerRound),
                        Duration.ofMinutes(30),
                        pollTimeout)
                .withSchemaRegistration(registerSchemas);
    }

    String groupId() {
        return "distill-trainer-" + runId;
    }

    /**
     * One trainer per run: a fixed transactional id fences a zombie predecessor after a restart.
     */
    String transactionalId() {
        return "distill-trainer-" + runId;
    }

    Path runDir() {
        return checkpointRoot.resolve(runId);
    }

    StudentTrainer.Config trainerConfig() {
        // The weight and the teacher's share are part of the config hash, so replay refuses other
        // ones; without a corpus both are 0, or a run without L_pt would hash like one with it.
        ObjectiveConfig o =
                pretrain == null
                        ? objective.withPretrain(0, 0)
                        : objective.withPretrain(pretrain.coef(), pretrain.teacherShare());
        return new StudentTrainer.Config(
                o,
                epochs,
                miniBatchSize,
                AdamW.Settings.gpt(),
                LearningRate.constant(learningRate),
                maxStaleness,
                seed);
    }
}
