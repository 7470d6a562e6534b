package dev.distill.evaluator;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** The configuration as the probe sees it; invalid settings are DOWN with the reason. */
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
        return check(config.heldOutLimit());
    }

    static HealthCheckResponse check(int heldOutLimit) {
        var response = HealthCheckResponse.named(NAME).withData("held-out-limit", heldOutLimit);
        if (heldOutLimit <= 0) {
            return response.withData("reason", "distill.evaluator.held-out-limit must be positive")
                    .down()
                    .build();
        }
        return response.up().build();
    }
}
