package dev.distill.trainer;

import dev.distill.platform.loop.LoopHealth;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * The shared loop's readiness and liveness (DOWN once it has given up, so the pod is restarted),
 * with the version trained to and the rounds done.
 */
@Readiness
@Liveness
@ApplicationScoped
public class TrainerLoopReadiness implements HealthCheck {
    private final TrainerService service;

    TrainerLoopReadiness(TrainerService service) {
        this.service = service;
    }

    @Override
    public HealthCheckResponse call() {
        TrainerStats s = service.stats();
        return LoopHealth.of(
                "trainer-loop",
                s.loop,
                Map.of("version", s.version.get(), "rounds", s.rounds.get()));
    }
}
