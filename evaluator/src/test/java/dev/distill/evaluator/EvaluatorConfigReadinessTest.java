package dev.distill.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

/**
 * The DOWN path cannot be reached through the running app without breaking its config, so test it
 * directly.
 */
class EvaluatorConfigReadinessTest {

    @Test
    void nonPositiveLimitIsDown() {
        HealthCheckResponse r = EvaluatorConfigReadiness.check(-1);
        assertEquals(HealthCheckResponse.Status.DOWN, r.getStatus());
        assertEquals(
                "distill.evaluator.held-out-limit must be positive",
                r.getData().orElseThrow().get("reason"));
    }

    @Test
    void positiveLimitIsUp() {
        assertEquals(HealthCheckResponse.Status.UP, EvaluatorConfigReadiness.check(1).getStatus());
    }
}
