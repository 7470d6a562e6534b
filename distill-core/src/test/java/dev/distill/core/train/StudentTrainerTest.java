package dev.distill.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.distill.core.CountingTask;
import dev.distill.core.checkpoint.CheckpointManifest;
import dev.distill.core.checkpoint.Checkpoints;
import dev.distill.core.data.InvalidRolloutException;
import dev.distill.core.data.Rollout;
import dev.distill.core.generation.SamplingConfig;
import dev.distill.core.generation.Scorer;
import dev.distill.core.generation.TeacherMixedSampler;
import dev.distill.core.metrics.ReverseKl;
import dev.distill.core.model.CausalLm;
import dev.distill.core.model.GptConfig;
import dev.distill.core.objective.Objective;
import dev.distill.core.objective.ObjectiveConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StudentTrainerTest {
    static NDManager root;
    static CausalLm teacher;
    static Path studentInit;

    @TempDir static Path shared;

    @TempDir Path tmp;

    @BeforeAll
    static void trainTeacherAndStudentInit() {
        root = NDManager.newBaseManager();
        teacher =
                CausalLm.create(
                        new GptConfig(
                                CountingTask.VOCAB,
                                32,
                                48,
                                2,
                                4,
                                null,
                                1e-5,
                                true,
                                CountingTask.EOS),
                        root,
                        1);
        try (LmTrainer t =
                new LmTrainer(
                        teacher, AdamW.Settings.gpt(), new LearningRate(3e-3, 20, 400, 0.1))) {
            t.train(step -> CountingTask.sftBatch(step, 16), 400, l -> {}, null);
        }
        // The paper initialises the student with SFT; a short one leaves plenty for distillation to
        // fix.
        studentInit = shared.resolve("student-init");
        try (CausalLm student =
                        CausalLm.create(
                                new GptConfig(
                                        CountingTask.VOCAB,
                                        32,
                                        16,
                                        1,
                                        2,
                                        null,
                                        1e-5,
                                        true,
                                        CountingTask.EOS),
                                root,
                                2);
                LmTrainer t =
                        new LmTrainer(student, AdamW.Settings.gpt(), LearningRate.constant(3e-3))) {
            t.train(step -> CountingTask.sftBatch(10_000 + step, 16), 60, l -> {}, null);
            t.save(studentInit, 0, 2L);
        }
    }

    @AfterAll
    static void tearDown() {
        teacher.close();
        root.close();
    }

    static StudentTrainer.Config config(Objective objective, long seed) {
        return new StudentTrainer.Config(
                ObjectiveConfig.defaults(objective),
                2,
                8,
                AdamW.Settings.gpt(),
                LearningRate.constant(2e-3),
                2,
                seed);
    }

    static TeacherMixedSampler.Config sampler(double alpha) {
        return new TeacherMixedSampler.Config(alpha, 10, 4, CountingTask.EOS, "counting-teacher");
    }

    static List<TeacherMixedSampler.Prompt> prompts(long seed, int n) {
        List<TeacherMixedSampler.Prompt> out = new ArrayList<>();
        List<int[]> p = CountingTask.prompts(seed, n, false);
        for (int i = 0; i < n; i++) {
            out.add(new TeacherMixedSampler.Prompt("p" + i, p.get(i), seed * 1000 + i));
        }
        return out;
    }

    static Checkpoints.Loaded loadInit() throws IOException {
        return Checkpoints.load(studentInit, root);
    }

    /** Pre-training batches (the SFT data) with the teacher's top-4 scores, for the L_pt term. */
    static List<PretrainBatch> pretrain(int round) {
        TokenBatch tb = CountingTask.sftBatch(50_000 + round, 8);
        List<int[]> seqs = new ArrayList<>();
        for (int r = 0; r < tb.rows(); r++) {
            int[] s = new int[tb.length()];
            for (int t = 0; t < s.length; t++) {
                s[t] = (int) tb.ids()[r * tb.length() + t];
            }
            seqs.add(s);
        }
        List<Scorer.Scores> scores = Scorer.score(teacher, seqs, 4, false);
        int tp = tb.length() - 1;
        int[][] ids = new int[tb.rows() * tp][];
        float[][] lp = new float[tb.rows() * tp][];
        float[] tail = new float[tb.rows() * tp];
        for (int r = 0; r < tb.rows(); r++) {
            for (int t = 0; t < tp; t++) {
                ids[r * tp + t] = scores.get(r).topIds()[t];
                lp[r * tp + t] = scores.get(r).topLogProbs()[t];
                double mass = 0;
                for (float x : lp[r * tp + t]) {
                    mass += Math.exp(x);
                }
                tail[r * tp + t] = (float) Math.log(Math.max(1 - mass, 1e-30));
            }
        }
        return List.of(new PretrainBatch(tb, ids, lp, tail));
    }

    static double heldOutReverseKl(CausalLm student) {
        double sum = 0;
        for (long seed = 0; seed < 3; seed++) {
            sum +=
                    ReverseKl.onStudentSamples(
                            student,
                            teacher,
                            CountingTask.prompts(777 + seed, 24, true),
                            new SamplingConfig(1.0, 0, 1.0, 0, 10, CountingTask.EOS, seed));
        }
        return sum / 3;
    }

    @Test
    void minillmLowersReverseKlToTheTeacherOnHeldOutPrompts() throws IOException {
        try (Checkpoints.Loaded init = loadInit();
                StudentTrainer trainer =
                        new StudentTrainer(init.model(), 0, config(Objective.MINILLM, 3))) {
            double before = heldOutReverseKl(init.model());
            List<int[]> train = CountingTask.prompts(11, 256, false);
            var reports =
                    InProcessLoop.run(
                            teacher,
                            init.model(),
                            trainer,
                            train,
                            StudentTrainerTest::pretrain,
                            new InProcessLoop.Config(sampler(0.2), 32, 16, "test-run", 5),
                            tmp,
                            r -> {});
            double after = heldOutReverseKl(init.model());
            assertEquals(16, trainer.version());
            assertTrue(
                    after < 0.6 * before,
                    "reverse KL to the teacher on held-out prompts should fall under minillm: "
                            + before
                            + " -> "
                            + after
                            + "; rounds "
                            + reports.stream().map(r -> r.round().steps().get(0).parts()).toList());
        }
    }

    @Test
    void sameCheckpointRolloutsConfigAndSeedGiveTheSameWeights() throws IOException {
        List<Rollout> rollouts;
        try (Checkpoints.Loaded init = loadInit()) {
            rollouts =
                    TeacherMixedSampler.sample(
                            teacher, init.model(), 0, "run", prompts(1, 16), sampler(0.2));
        }
        String a = trainOnce(rollouts, 42, tmp.resolve("a"));
        String b = trainOnce(rollouts, 42, tmp.resolve("b"));
        String c = trainOnce(rollouts, 43, tmp.resolve("c"));
        assertEquals(a, b);
        assertNotEquals(a, c, "the seed drives the mini-batch order");
    }

    private static String trainOnce(List<Rollout> rollouts, long seed, Path dir)
            throws IOException {
        try (Checkpoints.Loaded init = loadInit();
                StudentTrainer trainer =
                        new StudentTrainer(init.model(), 0, config(Objective.MINILLM, seed))) {
            StudentTrainer.Round round = trainer.trainRound(rollouts, pretrain(0), dir, l -> {});
            return round.manifest().weightsSha256();
        }
    }

    @Test
    void dropsAndCountsStaleRolloutsAndRecordsLineage() throws IOException {
        try (Checkpoints.Loaded init = loadInit();
                StudentTrainer trainer =
                        new StudentTrainer(init.model(), 5, config(Objective.MINILLM, 1))) {
            List<Rollout> fresh =
                    TeacherMixedSampler.sample(
                            teacher, init.model(), 4, "run", prompts(2, 4), sampler(0.2));
            List<Rollout> old =
                    TeacherMixedSampler.sample(
                            teacher, init.model(), 2, "run", prompts(3, 2), sampler(0.2));
            List<Rollout> all = new ArrayList<>(fresh);
            all.addAll(old);
            StudentTrainer.Round round = trainer.trainRound(all, List.of(), tmp, l -> {});
            assertEquals(old.stream().map(Rollout::rolloutId).toList(), round.droppedStale());
            assertEquals(fresh.size(), round.used().size());
            CheckpointManifest m = Checkpoints.readManifest(round.dir()).orElseThrow();
            assertEquals(6, m.version());
            assertEquals(5L, m.parentVersion());
            assertEquals(trainer.configHash(), m.configHash());
            assertEquals(
                    all.get(0).rolloutId(), m.lineage().get("rollouts").get(0).get("id").asText());
            assertEquals(2, m.lineage().get("dropped_stale").size());
            assertTrue(Files.exists(round.dir().resolve(Checkpoints.OPTIMIZER)));
        }
    }

    @Test
    void rejectsARolloutWithANaNScoreByNameAndTrainsNothing() throws IOException {
        try (Checkpoints.Loaded init = loadInit();
                StudentTrainer trainer =
                        new StudentTrainer(init.model(), 0, config(Objective.MINILLM, 1))) {
            List<Rollout> rollouts =
                    new ArrayList<>(
                            TeacherMixedSampler.sample(
                                    teacher, init.model(), 0, "run", prompts(4, 4), sampler(0.2)));
            Rollout bad = rollouts.get(2);
            bad.teacherLogProbs()[0] = Float.NaN;
            var e =
                    assertThrows(
                            InvalidRolloutException.class,
                            () -> trainer.trainRound(rollouts, List.of(), tmp, l -> {}));
            assertEquals(bad.rolloutId(), e.rolloutId());
            assertTrue(
                    e.getMessage().contains("teacher log-prob at token 0 is NaN"), e.getMessage());
            assertEquals(0, trainer.optimizer().steps());
            assertEquals(0, trainer.version());
        }
    }

    @Test
    void aRolloutThatPassesValidationButBreaksTheLossFailsTheRoundAndIsFoundByItsOwnLoss()
            throws IOException {
        try (Checkpoints.Loaded init = loadInit();
                StudentTrainer trainer =
                        new StudentTrainer(init.model(), 0, config(Objective.MINILLM, 1))) {
            List<Rollout> rollouts =
                    new ArrayList<>(
                            TeacherMixedSampler.sample(
                                    teacher, init.model(), 0, "run", prompts(5, 4), sampler(0.2)));
            // A finite log-probability, so validation lets it through; its importance ratio is not.
            Rollout bad = rollouts.get(1);
            java.util.Arrays.fill(bad.behaviourLogProbs(), -3e38f);
            bad.validate(CountingTask.VOCAB, 32);
            var e =
                    assertThrows(
                            NonFiniteException.class,
                            () -> trainer.trainRound(rollouts, List.of(), tmp, l -> {}));
            assertTrue(e.getMessage().contains(bad.rolloutId()), e.getMessage());
            assertEquals(0, trainer.version());

            assertFalse(Double.isFinite(trainer.loss(List.of(bad))));
            for (Rollout r : rollouts) {
                if (r != bad) {
                    assertTrue(Double.isFinite(trainer.loss(List.of(r))), r.rolloutId());
                }
            }
        }
    }

    @Test
    void everyObjectiveTrainsByName() throws IOException {
        List<Rollout> rollouts;
        try (Checkpoints.Loaded init = loadInit()) {
            rollouts =
                    TeacherMixedSampler.sample(
                            teacher, init.model(), 0, "run", prompts(5, 8), sampler(0.5));
        }
        String initSha = Checkpoints.readManifest(studentInit).orElseThrow().weightsSha256();
        for (String name : List.of("sft", "kd", "seqkd", "minillm", "gkd", "skew-kl")) {
            try (Checkpoints.Loaded init = loadInit();
                    StudentTrainer trainer =
                            new StudentTrainer(init.model(), 0, config(Objective.parse(name), 1))) {
                StudentTrainer.Round round =
                        trainer.trainRound(rollouts, List.of(), tmp.resolve(name), l -> {});
                assertTrue(round.steps().stream().allMatch(s -> Double.isFinite(s.loss())), name);
                assertNotEquals(
                        initSha, round.manifest().weightsSha256(), name + " changed no weight");
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Objective.parse("rkl"));
    }
}
