package dev.distill.trainer;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready while the loop runs (or is deliberately disabled); DOWN with the reason once it has failed. */
@Readiness
@ApplicationScoped
public class TrainerLoopReadiness implements HealthCheck {
    private final TrainerService service;

    TrainerLoopReadiness(TrainerService service) {
        this.service = service;
    }

    @Override
    public HealthCheckResponse call() {
        TrainerStats s = service.stats();
        String state = s.state.get();
        var r = HealthCheckResponse.named("trainer-loop")
                .withData("state", state)
                .withData("version", s.version.get())
                .withData("rounds", s.rounds.get())
                .status(!state.equals("FAILED"));
        if (s.failure.get() != null) {
            r.withData("failure", s.failure.get());
        }
        return r.build();
    }
}
