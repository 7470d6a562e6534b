package dev.distill.producer;

import dev.distill.platform.loop.LoopHealth;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * The shared loop's readiness, with the student version sampled with and the rollouts published.
 */
@Readiness
@Liveness
@ApplicationScoped
public class ProducerLoopReadiness implements HealthCheck {
    private final ProducerService service;

    ProducerLoopReadiness(ProducerService service) {
        this.service = service;
    }

    @Override
    public HealthCheckResponse call() {
        ProducerStats s = service.stats();
        return LoopHealth.of(
                "producer-loop",
                s.loop,
                Map.of(
                        "student-version",
                        s.studentVersion.get(),
                        "rollouts",
                        s.rolloutsPublished.get()));
    }
}
