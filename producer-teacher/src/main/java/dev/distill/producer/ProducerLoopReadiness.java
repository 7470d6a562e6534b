package dev.distill.producer;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready while the loop runs (or is deliberately disabled); DOWN with the reason once it has failed. */
@Readiness
@ApplicationScoped
public class ProducerLoopReadiness implements HealthCheck {
    private final ProducerService service;

    ProducerLoopReadiness(ProducerService service) {
        this.service = service;
    }

    @Override
    public HealthCheckResponse call() {
        ProducerStats s = service.stats();
        String state = s.state.get();
        var r = HealthCheckResponse.named("producer-loop")
                .withData("state", state)
                .withData("student-version", s.studentVersion.get())
                .withData("rollouts", s.rolloutsPublished.get())
                .status(!state.equals("FAILED"));
        if (s.failure.get() != null) {
            r.withData("failure", s.failure.get());
        }
        return r.build();
    }
}
