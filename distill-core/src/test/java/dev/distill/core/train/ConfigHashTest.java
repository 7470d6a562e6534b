package dev.distill.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.djl.ndarray.NDManager;
import dev.distill.core.TestModels;
import dev.distill.core.model.CausalLm;
import dev.distill.core.objective.Objective;
import dev.distill.core.objective.ObjectiveConfig;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Replay compares the config hash recorded by another process, so it must not depend on the JVM.
 */
class ConfigHashTest {
    static StudentTrainer.Config config(long seed) {
        return new StudentTrainer.Config(
                ObjectiveConfig.defaults(Objective.MINILLM),
                2,
                8,
                AdamW.Settings.gpt(),
                LearningRate.constant(1e-3),
                2,
                seed);
    }

    static String hash(long seed) {
        try (NDManager root = NDManager.newBaseManager();
                CausalLm model = CausalLm.create(TestModels.tiny(), root, 1);
                StudentTrainer t = new StudentTrainer(model, 0, config(seed))) {
            return t.configHash();
        }
    }

    /** Prints the hash for seed 7; run in a child JVM by the test. */
    public static void main(String[] args) {
        System.out.println("HASH " + hash(7));
    }

    @Test
    void theSameConfigurationHashesTheSameInEveryJvm() throws Exception {
        String here = hash(7);
        assertNotEquals(here, hash(8), "the seed is part of the configuration");
        for (int i = 0; i < 3; i++) {
            Process p =
                    new ProcessBuilder(
                                    List.of(
                                            ProcessHandle.current().info().command().orElse("java"),
                                            "-cp",
                                            System.getProperty("java.class.path"),
                                            "-Dai.djl.offline=true",
                                            ConfigHashTest.class.getName()))
                            .redirectError(ProcessBuilder.Redirect.DISCARD)
                            .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(120, TimeUnit.SECONDS);
            String other =
                    out.lines()
                            .filter(l -> l.startsWith("HASH "))
                            .findFirst()
                            .orElseThrow(
                                    () -> new AssertionError("child JVM printed no hash: " + out))
                            .substring(5);
            assertEquals(here, other, "child JVM " + i);
        }
    }
}
