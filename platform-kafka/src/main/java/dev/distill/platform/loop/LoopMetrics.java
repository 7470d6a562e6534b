package dev.distill.platform.loop;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** The gauges every loop has, under the service's prefix (e.g. distill.trainer.lag). */
public final class LoopMetrics {
    private LoopMetrics() {}

    public static void register(MeterRegistry registry, String prefix, LoopStats stats) {
        Gauge.builder(prefix + ".records.consumed", stats.consumed, Number::doubleValue)
                .register(registry);
        Gauge.builder(prefix + ".dead.letters", stats.deadLettered, Number::doubleValue)
                .register(registry);
        Gauge.builder(prefix + ".transactions", stats.transactions, Number::doubleValue)
                .register(registry);
        Gauge.builder(prefix + ".lag", stats.lag, Number::doubleValue).register(registry);
        Gauge.builder(prefix + ".loop.restarts", stats.restarts, Number::doubleValue)
                .register(registry);
        Gauge.builder(
                        prefix + ".loop.failed",
                        stats.state,
                        s -> s.get() == LoopState.FAILED ? 1 : 0)
                .register(registry);
    }
}
