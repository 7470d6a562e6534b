package dev.distill.producer;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.function.Supplier;

/** Runs the producer loop on its own thread for the life of the application. */
@ApplicationScoped
public class ProducerService {
    private static final Logger LOG = Logger.getLogger(ProducerService.class);

    private final ProducerConfig config;
    private final String bootstrapServers;
    private final MeterRegistry registry;
    private final ProducerStats stats = new ProducerStats();
    private ProducerLoop loop;
    private Thread thread;

    ProducerService(ProducerConfig config, @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
                    MeterRegistry registry) {
        this.config = config;
        this.bootstrapServers = bootstrapServers;
        this.registry = registry;
    }

    void start(@Observes StartupEvent ignored) {
        registerMetrics();
        if (!config.enabled()) {
            stats.state.set("DISABLED");
            return;
        }
        String problem = ProducerSettings.problem(config);
        if (problem != null) {
            throw new IllegalStateException(problem);
        }
        loop = new ProducerLoop(ProducerSettings.of(config, bootstrapServers), stats);
        thread = new Thread(loop, "producer-loop");
        thread.start();
    }

    void stop(@Observes ShutdownEvent ignored) throws InterruptedException {
        if (loop != null) {
            LOG.info("stopping the producer loop; an uncommitted batch is re-sampled by whoever takes the partition");
            loop.stop();
            thread.join(60_000);
        }
    }

    ProducerStats stats() {
        return stats;
    }

    private void registerMetrics() {
        gauge("distill.producer.prompts.consumed", () -> stats.promptsConsumed.get());
        gauge("distill.producer.rollouts.published", () -> stats.rolloutsPublished.get());
        gauge("distill.producer.response.tokens", () -> stats.responseTokens.get());
        gauge("distill.producer.dead.letters", () -> stats.deadLettered.get());
        gauge("distill.producer.student.version", () -> stats.studentVersion.get());
        gauge("distill.producer.rollouts.per.second", stats.rolloutsPerSecond::get);
        gauge("distill.producer.response.tokens.per.second", stats.responseTokensPerSecond::get);
        gauge("distill.producer.lag", () -> stats.lag.get());
    }

    private void gauge(String name, Supplier<Number> value) {
        Gauge.builder(name, value).register(registry);
    }
}
