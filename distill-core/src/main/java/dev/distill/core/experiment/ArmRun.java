package dev.distill.core.experiment;

import ai.djl.ndarray.NDManager;
import dev.distill.core.checkpoint.Checkpoints;
import dev.distill.core.data.HeldOutItem;
import dev.distill.core.data.PromptTemplate;
import dev.distill.core.data.Rollout;
import dev.distill.core.data.Shuffle;
import dev.distill.core.generation.ReferenceRollouts;
import dev.distill.core.generation.TeacherMixedSampler;
import dev.distill.core.model.CausalLm;
import dev.distill.core.tokenizer.Tokenizer;
import dev.distill.core.train.AdamW;
import dev.distill.core.train.LearningRate;
import dev.distill.core.train.PretrainBatch;
import dev.distill.core.train.PretrainCorpus;
import dev.distill.core.train.StudentTrainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * One training run of one arm, in process: every round draws the next prompts of the seed's order,
 * makes the arm's rollouts (the same samplers the producer runs), trains one round with the
 * trainer's {@link StudentTrainer}, and every {@code evalEvery} rounds scores the checkpoint on the
 * validation items under both decodings. The checkpoint kept is the one with the best validation
 * score, never a test score.
 */
public final class ArmRun {
    private ArmRun() {}

    /** The budget every arm gets, and how checkpoints are chosen. */
    public record Budget(
            int rounds,
            int promptsPerRound,
            int epochs,
            int miniBatch,
            double learningRate,
            int maxNewTokens,
            int supportK,
            int evalEvery,
            double ptTeacherShare) {}

    /**
     * Validation scores of one checkpoint; {@code score} = the mean of the two, the selection
     * criterion.
     */
    public record Validation(long version, double greedy, double paper, double score) {}

    public record Result(
            String arm,
            long seed,
            List<Validation> validation,
            long chosenVersion,
            Path chosenDir,
            double seconds,
            List<String> trainLog) {}

    public record Data(
            CausalLm teacher,
            Path studentInit,
            Tokenizer tokenizer,
            PromptTemplate template,
            List<HeldOutItem> train,
            List<HeldOutItem> validation,
            PretrainCorpus corpus) {}

    public static Result run(
            Arm arm, long seed, Data d, Budget b, Path dir, Consumer<String> progress)
            throws IOException {
        long start = System.nanoTime();
        String runId = arm.name() + "-s" + seed;
        List<HeldOutItem> order = shuffled(d.train(), seed);
        List<Validation> validation = new ArrayList<>();
        List<String> log = new ArrayList<>();
        Path checkpoints = dir.resolve("checkpoints");
        try (NDManager root = NDManager.newBaseManager();
                Checkpoints.Loaded init = Checkpoints.load(d.studentInit(), root)) {
            CausalLm student = init.model();
            int eos = student.config().eosTokenId();
            StudentTrainer.Config cfg =
                    new StudentTrainer.Config(
                            arm.objectiveConfig(b.ptTeacherShare()),
                            b.epochs(),
                            b.miniBatch(),
                            AdamW.Settings.gpt(),
                            LearningRate.constant(b.learningRate()),
                            0,
                            seed);
            int stepsPerRound =
                    b.epochs() * ((b.promptsPerRound() + b.miniBatch() - 1) / b.miniBatch());
            try (StudentTrainer trainer = new StudentTrainer(student, 0, cfg)) {
                for (int r = 0; r < b.rounds(); r++) {
                    List<HeldOutItem> items = new ArrayList<>();
                    for (int i = 0; i < b.promptsPerRound(); i++) {
                        items.add(order.get((r * b.promptsPerRound() + i) % order.size()));
                    }
                    List<Rollout> rollouts =
                            rollouts(
                                    arm,
                                    d,
                                    b,
                                    runId,
                                    trainer.version(),
                                    student,
                                    items,
                                    seed,
                                    r,
                                    eos);
                    List<PretrainBatch> pt =
                            arm.pretrain()
                                    ? d.corpus()
                                            .forRound(
                                                    seed,
                                                    trainer.version(),
                                                    stepsPerRound,
                                                    b.miniBatch())
                                    : List.of();
                    StudentTrainer.Round round =
                            trainer.trainRound(rollouts, pt, checkpoints, s -> {});
                    log.add(
                            String.format(
                                    java.util.Locale.ROOT,
                                    "v%d loss %.4f %s gap %.4f",
                                    round.version(),
                                    round.steps().stream()
                                            .mapToDouble(StudentTrainer.StepLog::loss)
                                            .average()
                                            .orElse(Double.NaN),
                                    round.steps().get(round.steps().size() - 1).parts(),
                                    round.supportKlGap()));
                    if (round.version() % b.evalEvery() == 0 || r == b.rounds() - 1) {
                        double greedy =
                                ItemScores.of(
                                                student,
                                                d.tokenizer(),
                                                d.template(),
                                                d.validation(),
                                                ItemScores.Decoding.greedy(b.maxNewTokens()),
                                                64)
                                        .mean();
                        double paper =
                                ItemScores.of(
                                                student,
                                                d.tokenizer(),
                                                d.template(),
                                                d.validation(),
                                                ItemScores.Decoding.paper(
                                                        new long[] {seed + 100}, b.maxNewTokens()),
                                                64)
                                        .mean();
                        validation.add(
                                new Validation(
                                        round.version(), greedy, paper, (greedy + paper) / 2));
                        progress.accept(
                                String.format(
                                        java.util.Locale.ROOT,
                                        "%s v%d validation greedy %.2f paper %.2f",
                                        runId,
                                        round.version(),
                                        greedy,
                                        paper));
                    } else {
                        deleteTree(round.dir());
                    }
                }
            }
        }
        Validation best =
                validation.stream()
                        .max(
                                Comparator.comparingDouble(Validation::score)
                                        .thenComparing(
                                                Comparator.comparingLong(Validation::version)
                                                        .reversed()))
                        .orElseThrow();
        for (Validation v : validation) {
            if (v.version() != best.version()) {
                deleteTree(checkpoints.resolve("v" + v.version()));
            }
        }
        return new Result(
                arm.name(),
                seed,
                validation,
                best.version(),
                checkpoints.resolve("v" + best.version()),
                (System.nanoTime() - start) / 1e9,
                log);
    }

    private static List<Rollout> rollouts(
            Arm arm,
            Data d,
            Budget b,
            String runId,
            long version,
            CausalLm student,
            List<HeldOutItem> items,
            long seed,
            int round,
            int eos) {
        int ctx = Math.min(d.teacher().config().nPositions(), student.config().nPositions());
        if (arm.source() == Arm.Source.REFERENCE) {
            List<ReferenceRollouts.Item> refs = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                HeldOutItem it = items.get(i);
                int[] prompt =
                        d.tokenizer().encode(d.template().apply(it.instruction(), it.context()));
                String answer =
                        it.references()
                                .get(
                                        new SplittableRandom(seed * 31 + round * 7919L + i)
                                                .nextInt(it.references().size()));
                int[] ref = d.tokenizer().encode(answer);
                int[] withEos = java.util.Arrays.copyOf(ref, ref.length + 1);
                withEos[ref.length] = eos;
                int[] response =
                        java.util.Arrays.copyOf(
                                withEos, Math.min(withEos.length, ctx - prompt.length));
                refs.add(
                        new ReferenceRollouts.Item(
                                it.id() + "#" + round,
                                prompt,
                                response,
                                seed * 1_000_003L + round * 4099L + i));
            }
            return ReferenceRollouts.score(
                    d.teacher(), student, version, runId, refs, b.supportK(), "teacher");
        }
        List<TeacherMixedSampler.Prompt> prompts = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            HeldOutItem it = items.get(i);
            prompts.add(
                    new TeacherMixedSampler.Prompt(
                            it.id() + "#" + round,
                            d.tokenizer()
                                    .encode(d.template().apply(it.instruction(), it.context())),
                            seed * 1_000_003L + round * 4099L + i));
        }
        int longest = prompts.stream().mapToInt(p -> p.tokens().length).max().orElse(0);
        int room = Math.max(1, Math.min(b.maxNewTokens(), ctx - longest + 1));
        double alpha = arm.source() == Arm.Source.TEACHER ? 1.0 : arm.alpha();
        return TeacherMixedSampler.sample(
                d.teacher(),
                student,
                version,
                runId,
                prompts,
                new TeacherMixedSampler.Config(alpha, room, b.supportK(), eos, "teacher"));
    }

    private static List<HeldOutItem> shuffled(List<HeldOutItem> items, long seed) {
        return Shuffle.of(items, new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 17));
    }

    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
