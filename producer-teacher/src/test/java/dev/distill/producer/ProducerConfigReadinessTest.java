package dev.distill.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

/** The DOWN path cannot be reached through the running app without breaking its config, so test it directly. */
class ProducerConfigReadinessTest {

    private static ProducerConfig config(String model, int batchSize) {
        return new ProducerConfig() {
            @Override
            public Optional<String> teacherModel() {
                return Optional.ofNullable(model);
            }

            @Override
            public int batchSize() {
                return batchSize;
            }
        };
    }

    @Test
    void nonPositiveBatchSizeIsDown() {
        HealthCheckResponse r = ProducerConfigReadiness.check(config("teacher", 0));
        assertEquals(HealthCheckResponse.Status.DOWN, r.getStatus());
        assertEquals("distill.producer.batch-size must be positive", r.getData().orElseThrow().get("reason"));
    }

    @Test
    void configuredTeacherIsReported() {
        HealthCheckResponse r = ProducerConfigReadiness.check(config("teacher", 4));
        assertEquals(HealthCheckResponse.Status.UP, r.getStatus());
        assertEquals("teacher", r.getData().orElseThrow().get("teacher-model"));
    }
}
