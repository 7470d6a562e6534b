package dev.distill.evaluator;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready while the loop runs (or is deliberately disabled); DOWN with the reason once it has failed. */
@Readiness
@ApplicationScoped
public class EvaluatorLoopReadiness implements HealthCheck {
    private final EvaluatorService service;

    EvaluatorLoopReadiness(EvaluatorService service) {
        this.service = service;
    }

    @Override
    public HealthCheckResponse call() {
        EvaluatorLoop loop = service.loop();
        if (loop == null) {
            return HealthCheckResponse.named("evaluator-loop").withData("state", "DISABLED").up().build();
        }
        var r = HealthCheckResponse.named("evaluator-loop")
                .withData("state", loop.state.get())
                .withData("evaluated", loop.evaluated.get())
                .withData("last-version", loop.lastVersion.get())
                .status(!loop.state.get().equals("FAILED"));
        if (loop.failure.get() != null) {
            r.withData("failure", loop.failure.get());
        }
        return r.build();
    }
}
