package dev.distill.evaluator;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Bean Validation is not on the classpath, so invalid settings surface here as DOWN with a
 * reason rather than as a start-up failure that hides the cause from the orchestrator.
 */
@Readiness
@ApplicationScoped
public class EvaluatorConfigReadiness implements HealthCheck {

    static final String NAME = "evaluator-config";

    private final EvaluatorConfig config;

    EvaluatorConfigReadiness(EvaluatorConfig config) {
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        return check(config);
    }

    static HealthCheckResponse check(EvaluatorConfig config) {
        var response = HealthCheckResponse.named(NAME).withData("held-out-limit", config.heldOutLimit());
        if (config.heldOutLimit() <= 0) {
            return response.withData("reason", "distill.evaluator.held-out-limit must be positive").down().build();
        }
        return response.up().build();
    }
}
