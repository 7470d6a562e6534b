package dev.distill.producer;

import dev.distill.platform.kafka.KafkaConnection;
import dev.distill.platform.loop.LoopMetrics;
import dev.distill.platform.loop.LoopState;
import dev.distill.platform.loop.ServiceLoop;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** Runs the producer loop on its own thread for the life of the application. */
@ApplicationScoped
public class ProducerService {
    private static final Logger LOG = Logger.getLogger(ProducerService.class);

    private final ProducerConfig config;
    private final KafkaConnection kafka;
    private final MeterRegistry registry;
    private final ProducerStats stats = new ProducerStats();
    private ServiceLoop loop;

    ProducerService(
            ProducerConfig config,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
            MeterRegistry registry) {
        this.config = config;
        this.kafka =
                KafkaConnection.fromConfig(
                        bootstrapServers,
                        key -> ConfigProvider.getConfig().getOptionalValue(key, String.class));
        this.registry = registry;
    }

    void start(@Observes StartupEvent ignored) {
        registerMetrics();
        if (!config.enabled()) {
            stats.loop.state.set(LoopState.DISABLED);
            return;
        }
        String problem = ProducerSettings.problem(config);
        if (problem != null) {
            throw new IllegalStateException(problem);
        }
        ProducerSettings settings = ProducerSettings.of(config, kafka);
        loop =
                new ServiceLoop(
                        settings.loop(), () -> new ProducerStep(settings, stats), stats.loop);
        loop.start();
    }

    void stop(@Observes ShutdownEvent ignored) throws InterruptedException {
        if (loop != null) {
            LOG.info(
                    "stopping the producer loop; an uncommitted batch is re-sampled by whoever"
                            + " takes the partition");
            loop.stopAndWait(Duration.ofMinutes(1));
        }
    }

    ProducerStats stats() {
        return stats;
    }

    private void registerMetrics() {
        LoopMetrics.register(registry, "distill.producer", stats.loop);
        gauge("distill.producer.prompts.consumed", () -> stats.loop.consumed.get());
        gauge("distill.producer.rollouts.published", () -> stats.rolloutsPublished.get());
        gauge("distill.producer.response.tokens", () -> stats.responseTokens.get());
        gauge("distill.producer.student.version", () -> stats.studentVersion.get());
        gauge("distill.producer.checkpoints.rejected", () -> stats.checkpointsRejected.get());
        gauge("distill.producer.rollouts.per.second", stats.rolloutsPerSecond::get);
        gauge("distill.producer.response.tokens.per.second", stats.responseTokensPerSecond::get);
    }

    private void gauge(String name, Supplier<Number> value) {
        Gauge.builder(name, value).register(registry);
    }
}
