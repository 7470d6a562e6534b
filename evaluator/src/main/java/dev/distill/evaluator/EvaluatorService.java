package dev.distill.evaluator;

import dev.distill.core.checkpoint.CheckpointStore;
import dev.distill.core.data.PromptTemplate;
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
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Runs the evaluator loop on its own thread for the life of the application. */
@ApplicationScoped
public class EvaluatorService {
    private final EvaluatorConfig config;
    private final KafkaConnection kafka;
    private final MeterRegistry registry;
    private final EvaluatorStats stats = new EvaluatorStats();
    private ServiceLoop loop;

    EvaluatorService(
            EvaluatorConfig config,
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
        LoopMetrics.register(registry, "distill.evaluator", stats.loop);
        Gauge.builder(
                        "distill.evaluator.checkpoints.evaluated",
                        stats.evaluated,
                        Number::doubleValue)
                .register(registry);
        Gauge.builder("distill.evaluator.rouge.l", stats.lastRougeL, v -> v.get())
                .register(registry);
        Gauge.builder("distill.evaluator.checkpoints.skipped", stats.skipped, Number::doubleValue)
                .register(registry);
        if (!config.enabled()) {
            stats.loop.state.set(LoopState.DISABLED);
            return;
        }
        Path heldOut =
                Path.of(
                        config.heldOut()
                                .orElseThrow(
                                        () ->
                                                new IllegalStateException(
                                                        "distill.evaluator.held-out is required:"
                                                            + " the JSONL file every checkpoint is"
                                                            + " scored on")));
        if (config.seeds().isEmpty() || config.heldOutLimit() <= 0) {
            throw new IllegalStateException(
                    "distill.evaluator.seeds must not be empty and held-out-limit must be"
                            + " positive");
        }
        if (config.exAccErrSteps() < 0
                || (config.exAccErrSteps() > 0 && config.teacherModel().isEmpty())) {
            throw new IllegalStateException(
                    "distill.evaluator.ex-acc-err-steps must be >= 0, and > 0 only with "
                            + "distill.evaluator.teacher-model (the teacher is ExAccErr's oracle)");
        }
        if (config.every() < 1) {
            throw new IllegalStateException(
                    "distill.evaluator.every must be >= 1 (1 scores every checkpoint), not "
                            + config.every());
        }
        Path checkpointStore =
                Path.of(
                        config.checkpointStore()
                                .orElseThrow(
                                        () ->
                                                new IllegalStateException(
                                                        "distill.evaluator.checkpoint-store is"
                                                                + " required: the trainer's"
                                                                + " checkpoint-dir, the only place"
                                                                + " checkpoints are scored from")));
        if (config.teacherModel()
                .filter(t -> CheckpointStore.at(checkpointStore).contains(Path.of(t)))
                .isPresent()) {
            throw new IllegalStateException(
                    "distill.evaluator.teacher-model must not lie inside checkpoint-store: a"
                            + " checkpoint event could then name the teacher as a student");
        }
        Shard shard;
        try {
            shard = new Shard(config.shard(), config.shards());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("distill.evaluator.shard/shards: " + e.getMessage(), e);
        }
        PromptTemplate template;
        try {
            template =
                    PromptTemplate.orDefault(
                            config.promptTemplate().orElse(null),
                            config.promptTemplateWithInput().orElse(null));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(
                    "distill.evaluator.prompt-template: " + e.getMessage(), e);
        }
        EvaluatorSettings s =
                new EvaluatorSettings(
                        config.runId(),
                        heldOut,
                        config.dataset().orElse(heldOut.getFileName().toString()),
                        config.heldOutLimit(),
                        config.tokenizerDir().map(Path::of).orElse(null),
                        config.teacherModel().map(Path::of).orElse(null),
                        checkpointStore,
                        kafka,
                        config.registryUrl(),
                        config.registerSchemas(),
                        config.seeds().stream().mapToLong(Long::longValue).toArray(),
                        config.maxNewTokens(),
                        config.batchSize(),
                        config.exAccErrSteps(),
                        config.topics().checkpoints(),
                        config.topics().evaluations(),
                        config.topics().deadLetters(),
                        Duration.ofMillis(500),
                        template,
                        config.every(),
                        shard);
        loop = new ServiceLoop(s.loop(), () -> new EvaluatorStep(s, stats), stats.loop);
        loop.start();
    }

    void stop(@Observes ShutdownEvent ignored) throws InterruptedException {
        if (loop != null) {
            loop.stopAndWait(Duration.ofMinutes(1));
        }
    }

    EvaluatorStats stats() {
        return stats;
    }
}
