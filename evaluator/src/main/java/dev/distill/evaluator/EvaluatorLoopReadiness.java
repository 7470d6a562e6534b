package dev.distill.evaluator;

import dev.distill.platform.loop.LoopHealth;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * The shared loop's readiness and liveness (DOWN once it has given up, so the pod is restarted),
 * with the checkpoints scored and the last version.
 */
@Readiness
@Liveness
@ApplicationScoped
public class EvaluatorLoopReadiness implements HealthCheck {
    private final EvaluatorService service;

    EvaluatorLoopReadiness(EvaluatorService service) {
        this.service = service;
    }

    @Override
    public HealthCheckResponse call() {
        EvaluatorStats s = service.stats();
        return LoopHealth.of(
                "evaluator-loop",
                s.loop,
                Map.of("evaluated", s.evaluated.get(), "last-version", s.lastVersion.get()));
    }
}
