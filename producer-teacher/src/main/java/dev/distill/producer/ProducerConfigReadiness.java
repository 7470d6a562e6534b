package dev.distill.producer;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** The configuration as the probe sees it; invalid settings are DOWN with the reason. */
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
        var response =
                HealthCheckResponse.named(NAME)
                        // Reported as "none" instead of omitted so an idle producer is visible from
                        // the probe.
                        .withData("teacher-model", config.teacherModel().orElse("none"))
                        .withData("mode", config.mode())
                        .withData("batch-size", config.batchSize());
        String problem = ProducerSettings.problem(config);
        if (problem != null) {
            return response.withData("reason", problem).down().build();
        }
        return response.up().build();
    }
}
