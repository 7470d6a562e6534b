package dev.distill.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

/**
 * The DOWN path cannot be reached through the running app without breaking its config, so test it
 * directly.
 */
class ProducerConfigReadinessTest {

    private static ProducerConfig config(String model, int batchSize, String mode) {
        return config(model, batchSize, mode, "checkpoints");
    }

    private static ProducerConfig config(
            String model, int batchSize, String mode, String checkpointStore) {
        return new ProducerConfig() {
            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public String runId() {
                return "run";
            }

            @Override
            public Optional<String> teacherModel() {
                return Optional.ofNullable(model);
            }

            @Override
            public Optional<String> initialStudent() {
                return Optional.of("student");
            }

            @Override
            public Optional<String> checkpointStore() {
                return Optional.ofNullable(checkpointStore);
            }

            @Override
            public Optional<String> promptTemplate() {
                return Optional.empty();
            }

            @Override
            public Optional<String> promptTemplateWithInput() {
                return Optional.empty();
            }

            @Override
            public String registryUrl() {
                return "http://registry";
            }

            @Override
            public boolean registerSchemas() {
                return true;
            }

            @Override
            public String mode() {
                return mode;
            }

            @Override
            public double alpha() {
                return 0.2;
            }

            @Override
            public int supportK() {
                return 32;
            }

            @Override
            public int maxNewTokens() {
                return 64;
            }

            @Override
            public int maxPromptTokens() {
                return 448;
            }

            @Override
            public int batchSize() {
                return batchSize;
            }

            @Override
            public int promptsPerTransaction() {
                return 32;
            }

            @Override
            public long seed() {
                return 0;
            }

            @Override
            public Duration pollTimeout() {
                return Duration.ofMillis(500);
            }

            @Override
            public Topics topics() {
                return null;
            }
        };
    }

    @Test
    void nonPositiveBatchSizeIsDown() {
        HealthCheckResponse r = ProducerConfigReadiness.check(config("teacher", 0, "sampled"));
        assertEquals(HealthCheckResponse.Status.DOWN, r.getStatus());
        assertEquals(
                "distill.producer.batch-size must be positive",
                r.getData().orElseThrow().get("reason"));
    }

    @Test
    void fewerPromptsPerTransactionThanABatchIsDown() {
        HealthCheckResponse r = ProducerConfigReadiness.check(config("teacher", 64, "sampled"));
        assertEquals(HealthCheckResponse.Status.DOWN, r.getStatus());
        assertEquals(
                "distill.producer.prompts-per-transaction (32) must be at least batch-size (64)",
                r.getData().orElseThrow().get("reason"));
    }

    @Test
    void unknownModeIsDown() {
        HealthCheckResponse r = ProducerConfigReadiness.check(config("teacher", 4, "greedy"));
        assertEquals(HealthCheckResponse.Status.DOWN, r.getStatus());
    }

    @Test
    void missingTeacherIsDownWhenEnabled() {
        HealthCheckResponse r = ProducerConfigReadiness.check(config(null, 4, "sampled"));
        assertEquals(HealthCheckResponse.Status.DOWN, r.getStatus());
    }

    @Test
    void configuredTeacherIsReported() {
        HealthCheckResponse r = ProducerConfigReadiness.check(config("teacher", 4, "sampled"));
        assertEquals(HealthCheckResponse.Status.UP, r.getStatus());
        assertEquals("teacher", r.getData().orElseThrow().get("teacher-model"));
    }

    @Test
    void aMissingCheckpointStoreIsDown() {
        HealthCheckResponse r =
                ProducerConfigReadiness.check(config("teacher", 4, "sampled", null));
        assertEquals(HealthCheckResponse.Status.DOWN, r.getStatus());
        assertEquals(
                "distill.producer.checkpoint-store is required: the trainer's checkpoint-dir, the"
                        + " only place the producer loads published students from",
                r.getData().orElseThrow().get("reason"));
    }

    @Test
    void aTeacherInsideTheCheckpointStoreIsDown() {
        HealthCheckResponse r =
                ProducerConfigReadiness.check(config("/models/teacher", 4, "sampled", "/models"));
        assertEquals(HealthCheckResponse.Status.DOWN, r.getStatus());
        assertEquals(
                "distill.producer.teacher-model must not lie inside checkpoint-store: a"
                        + " checkpoint event could then name the teacher as a student",
                r.getData().orElseThrow().get("reason"));
    }
}
