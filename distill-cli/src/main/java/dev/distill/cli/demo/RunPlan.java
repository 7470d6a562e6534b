package dev.distill.cli.demo;

import dev.distill.core.data.PromptTemplate;
import dev.distill.core.objective.Objective;
import java.nio.file.Path;

/**
 * One distillation run of the demo and everything its three services are told.
 *
 * @param objective the trainer's objective: minillm, or the sft / kd / seqkd baselines
 * @param rounds checkpoints to train; the run ends when the last one is evaluated
 * @param pretrainTeacherScores the teacher's scores of the L_pt corpus, or null when its share is 0
 * @param maxStaleness how many versions a rollout's student may lag the trainer: 0 is strict
 *     on-policy (round v+1 is sampled only with checkpoint v), 1 lets the producer sample round v+2
 *     while the trainer trains round v+1
 * @param evalEvery the evaluator scores every n-th checkpoint and the newest it has read (1: all)
 */
record RunPlan(
        Objective objective,
        long seed,
        int rounds,
        int rolloutsPerRound,
        int epochs,
        int miniBatch,
        double learningRate,
        double alpha,
        int supportK,
        int maxNewTokens,
        Path teacher,
        Path student,
        Path pretrainCorpus,
        double pretrainTeacherShare,
        Path pretrainTeacherScores,
        Path heldOut,
        int heldOutItems,
        String evalSeeds,
        int evalBatch,
        Path workDir,
        PromptTemplate promptTemplate,
        int maxStaleness,
        int evalEvery) {

    String runId() {
        return "demo-" + objective.id() + "-s" + seed;
    }

    /**
     * The producer's sampling for each objective: the paper's baselines train on other data than
     * MiniLLM.
     */
    String producerMode() {
        return switch (objective) {
            case MINILLM -> "sampled"; // teacher-mixed sampling from the student
            case SEQKD -> "teacher"; // sequences sampled from the teacher
            case KD, SFT ->
                    "reference"; // the data's references (kd: scored by the teacher token by token)
            default ->
                    throw new IllegalArgumentException(
                            "the demo runs minillm, sft, kd or seqkd, not " + objective.id());
        };
    }
}
