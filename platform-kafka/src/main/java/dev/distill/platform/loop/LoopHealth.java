package dev.distill.platform.loop;

import java.util.Map;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * A loop's readiness: UP while it runs (or is deliberately off), DOWN with the reason once it has
 * failed.
 */
public final class LoopHealth {
    private LoopHealth() {}

    /**
     * @param data the service's own figures (version, rounds, ...) beside the loop's
     */
    public static HealthCheckResponse of(String name, LoopStats stats, Map<String, Long> data) {
        LoopState state = stats.state.get();
        HealthCheckResponseBuilder r =
                HealthCheckResponse.named(name)
                        .withData("state", state.name())
                        .withData("consumed", stats.consumed.get())
                        .withData("dead-letters", stats.deadLettered.get())
                        .withData("restarts", stats.restarts.get())
                        .status(state != LoopState.FAILED);
        data.forEach(r::withData);
        if (stats.failure.get() != null) {
            r.withData("failure", stats.failure.get());
        }
        return r.build();
    }
}
