package dev.distill.core.train;

import dev.distill.core.data.Rollout;
import dev.distill.core.generation.TeacherMixedSampler;
import dev.distill.core.model.CausalLm;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * The MiniLLM loop without Kafka: sample rollouts from the teacher mix with the current student as
 * the behaviour policy, train a round on them, repeat. The reference the streaming platform is
 * measured against, and the way to check the method itself on small tasks.
 */
public final class InProcessLoop {
    private InProcessLoop() {}

    public record Config(
            TeacherMixedSampler.Config sampler,
            int promptsPerRound,
            int rounds,
            String runId,
            long seed) {}

    public record RoundReport(
            StudentTrainer.Round round,
            int rollouts,
            long responseTokens,
            double sampleSeconds,
            double trainSeconds) {}

    /**
     * @param trainer trains {@code student} in place, so the next round samples with the new
     *     weights
     * @param pretrain pre-training batches for round r (may return an empty list)
     */
    public static List<RoundReport> run(
            CausalLm teacher,
            CausalLm student,
            StudentTrainer trainer,
            List<int[]> prompts,
            IntFunction<List<PretrainBatch>> pretrain,
            Config cfg,
            Path checkpoints,
            Consumer<RoundReport> report) {
        List<RoundReport> out = new ArrayList<>();
        int next = 0;
        for (int r = 0; r < cfg.rounds(); r++) {
            List<TeacherMixedSampler.Prompt> batch = new ArrayList<>();
            for (int i = 0; i < cfg.promptsPerRound(); i++, next++) {
                int idx = next % prompts.size();
                batch.add(
                        new TeacherMixedSampler.Prompt(
                                "p" + idx, prompts.get(idx), cfg.seed() * 1_000_003L + next));
            }
            long t0 = System.nanoTime();
            List<Rollout> rollouts =
                    TeacherMixedSampler.sample(
                            teacher, student, trainer.version(), cfg.runId(), batch, cfg.sampler());
            long t1 = System.nanoTime();
            StudentTrainer.Round round =
                    trainer.trainRound(rollouts, pretrain.apply(r), checkpoints, l -> {});
            long t2 = System.nanoTime();
            long tokens = rollouts.stream().mapToLong(Rollout::length).sum();
            RoundReport rep =
                    new RoundReport(
                            round, rollouts.size(), tokens, (t1 - t0) / 1e9, (t2 - t1) / 1e9);
            out.add(rep);
            report.accept(rep);
        }
        return out;
    }
}
