package dev.distill.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.distill.core.TestModels;
import dev.distill.core.checkpoint.CheckpointManifest;
import dev.distill.core.checkpoint.Checkpoints;
import dev.distill.core.model.CausalLm;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LmTrainerTest {
    @TempDir Path tmp;

    static LmTrainer.BatchSource counting(long seed) {
        return step -> TestModels.countingBatch(step, seed, 8, 24, TestModels.tiny().vocabSize());
    }

    @Test
    void aFewHundredStepsOnAToyTaskDriveTheLossDown() {
        try (NDManager root = NDManager.newBaseManager();
                CausalLm model = CausalLm.create(TestModels.tiny(), root, 1);
                LmTrainer trainer =
                        new LmTrainer(
                                model,
                                AdamW.Settings.gpt(),
                                new LearningRate(3e-3, 20, 300, 0.1))) {
            List<Double> losses = new ArrayList<>();
            trainer.train(counting(5), 300, l -> losses.add(l.loss()), null);
            double first = losses.get(0);
            double last =
                    losses.subList(280, 300).stream().mapToDouble(d -> d).average().orElseThrow();
            assertTrue(first > 3.0, "an untrained model is near ln(32) = 3.47, got " + first);
            assertTrue(
                    last < 0.1,
                    "loss should fall from "
                            + first
                            + " to below 0.1 on a counting task, got "
                            + last);
        }
    }

    @Test
    void singleThreadedTrainingIsBitForBitReproducible() throws Exception {
        String a = trainAndHash(tmp.resolve("a"), 123);
        String b = trainAndHash(tmp.resolve("b"), 123);
        String c = trainAndHash(tmp.resolve("c"), 124);
        assertEquals(a, b, "same seed, data and config must give the same weights");
        assertNotEquals(a, c, "a different seed must give different weights");
    }

    private static String trainAndHash(Path dir, long seed) throws Exception {
        try (NDManager root = NDManager.newBaseManager();
                CausalLm model = CausalLm.create(TestModels.tiny(), root, seed);
                LmTrainer trainer =
                        new LmTrainer(
                                model, AdamW.Settings.gpt(), new LearningRate(1e-3, 5, 40, 0.1))) {
            trainer.train(counting(seed), 40, l -> {}, null);
            CheckpointManifest m = trainer.save(dir, 40, seed);
            assertEquals(Checkpoints.sha256(dir.resolve(Checkpoints.WEIGHTS)), m.weightsSha256());
            return m.weightsSha256();
        }
    }

    @Test
    void resumingFromACheckpointContinuesExactlyAsAnUninterruptedRun() throws Exception {
        String straight;
        try (NDManager root = NDManager.newBaseManager();
                CausalLm model = CausalLm.create(TestModels.tiny(), root, 9);
                LmTrainer trainer =
                        new LmTrainer(
                                model, AdamW.Settings.gpt(), new LearningRate(1e-3, 5, 30, 0.1))) {
            trainer.train(counting(9), 30, l -> {}, null);
            straight = trainer.save(tmp.resolve("straight"), 30, 9L).weightsSha256();
        }
        try (NDManager root = NDManager.newBaseManager();
                CausalLm model = CausalLm.create(TestModels.tiny(), root, 9);
                LmTrainer trainer =
                        new LmTrainer(
                                model, AdamW.Settings.gpt(), new LearningRate(1e-3, 5, 30, 0.1))) {
            trainer.train(
                    counting(9),
                    15,
                    l -> {},
                    new LmTrainer.CheckpointPolicy(15, s -> tmp.resolve("half"), 9L));
        }
        try (NDManager root = NDManager.newBaseManager();
                Checkpoints.Loaded half = Checkpoints.load(tmp.resolve("half"), root);
                LmTrainer trainer =
                        new LmTrainer(
                                half.model(),
                                AdamW.Settings.gpt(),
                                new LearningRate(1e-3, 5, 30, 0.1))) {
            trainer.optimizer()
                    .load(
                            Checkpoints.readOptimizerState(
                                    half.dir(), half.manifest().orElseThrow()));
            trainer.train(counting(9), 15, l -> {}, null);
            assertEquals(straight, trainer.save(tmp.resolve("resumed"), 30, 9L).weightsSha256());
        }
    }

    @Test
    void memoryStaysFlatOverAThousandSteps() {
        try (NDManager root = NDManager.newBaseManager();
                CausalLm model = CausalLm.create(TestModels.tiny(), root, 3);
                LmTrainer trainer =
                        new LmTrainer(model, AdamW.Settings.gpt(), LearningRate.constant(1e-3))) {
            NDManager system = root.getParentManager();
            trainer.train(counting(3), 200, l -> {}, null);
            int arraysAfterWarmup = system.getManagedArrays().size();
            long rssAfterWarmup = rssAfterGc();
            long heapAfterWarmup = Runtime.getRuntime().totalMemory() / 1024;
            trainer.train(counting(3), 1000, l -> {}, null);
            // The exact check: every array a step creates is gone when the step ends.
            assertEquals(
                    arraysAfterWarmup,
                    system.getManagedArrays().size(),
                    "live NDArrays grew over 1,000 steps");
            // The coarse check: native memory does not creep (malloc arenas fluctuate by tens of
            // MiB). The JVM may commit more heap as it sizes its generations to the allocation
            // rate: that is not native.
            long heapGrowth = Runtime.getRuntime().totalMemory() / 1024 - heapAfterWarmup;
            long growth = rssAfterGc() - rssAfterWarmup - Math.max(0, heapGrowth);
            assertTrue(
                    growth < 96 * 1024,
                    "native resident memory grew by "
                            + growth
                            + " KiB over 1,000 steps (Java heap "
                            + "committed: "
                            + heapGrowth
                            + " KiB more)");
        }
    }

    @Test
    void refusesAStepWhoseLossIsNotFinite() {
        try (NDManager root = NDManager.newBaseManager();
                CausalLm model = CausalLm.create(TestModels.tiny(), root, 3);
                LmTrainer trainer =
                        new LmTrainer(model, AdamW.Settings.gpt(), LearningRate.constant(1e-3))) {
            // Poison the weights: every logit becomes NaN, so the loss is NaN and no update may
            // happen.
            model.parameters()
                    .get("ln_f.bias")
                    .set(java.nio.FloatBuffer.wrap(filled(32, Float.NaN)));
            var e =
                    assertThrows(
                            NonFiniteException.class,
                            () -> trainer.train(counting(3), 1, l -> {}, null));
            assertTrue(e.getMessage().contains("loss is NaN"), e.getMessage());
            assertEquals(0, trainer.optimizer().steps());
        }
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    /**
     * Resident set size once unreachable Java wrappers (and the native memory they pin) are
     * collected.
     */
    /**
     * RSS after a GC and after handing glibc's free pages back to the OS: freed native memory
     * otherwise stays resident in the allocator's arenas, by an amount that depends on what earlier
     * tests in this JVM allocated, and would read as growth. What remains is memory in use.
     */
    static long rssAfterGc() {
        System.gc();
        try {
            java.lang.management.ManagementFactory.getPlatformMBeanServer()
                    .invoke(
                            new javax.management.ObjectName(
                                    "com.sun.management:type=DiagnosticCommand"),
                            "systemTrimNativeHeap",
                            new Object[] {null},
                            new String[] {String[].class.getName()});
        } catch (javax.management.JMException | RuntimeException e) {
            // a JDK without System.trim_native_heap (before 17.0.9): the plain RSS, as before
        }
        return rssKiB();
    }

    static long rssKiB() {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D+", ""));
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
