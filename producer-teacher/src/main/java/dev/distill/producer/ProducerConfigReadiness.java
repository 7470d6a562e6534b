package dev.distill.producer;

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
public class ProducerConfigReadiness implements HealthCheck {

    static final String NAME = "producer-config";

    private final ProducerConfig config;

    ProducerConfigReadiness(ProducerConfig config) {
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        return check(config);
    }

    static HealthCheckResponse check(ProducerConfig config) {
        var response = HealthCheckResponse.named(NAME)
                // Reported as "none" instead of omitted so an idle producer is visible from the probe.
                .withData("teacher-model", config.teacherModel().orElse("none"))
                .withData("batch-size", config.batchSize());
        if (config.batchSize() <= 0) {
            return response.withData("reason", "distill.producer.batch-size must be positive").down().build();
        }
        return response.up().build();
    }
}
