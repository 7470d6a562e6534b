package dev.distill.trainer;

import dev.distill.core.objective.Objective;
import dev.distill.core.objective.ObjectiveConfig;
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
import java.util.function.Supplier;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** Runs the trainer loop on its own thread for the life of the application. */
@ApplicationScoped
public class TrainerService {
    private static final Logger LOG = Logger.getLogger(TrainerService.class);

    private final TrainerConfig config;
    private final KafkaConnection kafka;
    private final MeterRegistry registry;
    private final TrainerStats stats = new TrainerStats();
    private ServiceLoop loop;

    TrainerService(
            TrainerConfig config,
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
        // Fail at start-up, not at the first round, on settings that cannot work.
        Objective objective = Objective.parse(config.objective());
        String initial =
                config.initialCheckpoint()
                        .orElseThrow(
                                () ->
                                        new IllegalStateException(
                                                "distill.trainer.initial-checkpoint is required:"
                                                        + " the student's version 0"));
        if (config.rolloutsPerRound() < 2 || config.epochs() < 1 || config.miniBatch() < 1) {
            throw new IllegalStateException(
                    "rollouts-per-round must be >= 2 (advantages are whitened over the batch), "
                            + "epochs and mini-batch >= 1");
        }
        TrainerSettings settings =
                new TrainerSettings(
                        config.runId(),
                        Path.of(config.checkpointDir()),
                        Path.of(initial),
                        kafka,
                        config.registryUrl(),
                        config.registerSchemas(),
                        config.topics().rollouts(),
                        config.topics().checkpoints(),
                        config.topics().deadLetters(),
                        ObjectiveConfig.defaults(objective)
                                .withKdRatio(config.kdRatio())
                                .withAblations(
                                        config.lengthNormalise(), config.singleStepRegulariser()),
                        config.epochs(),
                        config.miniBatch(),
                        config.rolloutsPerRound(),
                        config.learningRate(),
                        config.maxStaleness(),
                        config.seed(),
                        config.maxRounds(),
                        config.pollTimeout(),
                        config.pretrainCorpus()
                                .map(
                                        f ->
                                                new TrainerSettings.Pretrain(
                                                        Path.of(f),
                                                        config.pretrainCoef(),
                                                        config.pretrainWindowTokens(),
                                                        config.pretrainTeacherShare(),
                                                        config.pretrainTeacherScores()
                                                                .map(Path::of)
                                                                .orElse(null)))
                                .orElse(null));
        if (settings.pretrain() != null
                && !java.nio.file.Files.isRegularFile(settings.pretrain().corpus())) {
            throw new IllegalStateException(
                    "distill.trainer.pretrain-corpus "
                            + settings.pretrain().corpus()
                            + " is not a readable file");
        }
        if (settings.pretrain() != null
                && settings.pretrain().teacherScores() != null
                && !java.nio.file.Files.isRegularFile(settings.pretrain().teacherScores())) {
            throw new IllegalStateException(
                    "distill.trainer.pretrain-teacher-scores "
                            + settings.pretrain().teacherScores()
                            + " is not a readable file");
        }
        if (config.replayVersion().isPresent()) {
            startReplay(settings, config.replayVersion().get());
            return;
        }
        loop = new ServiceLoop(settings.loop(), () -> new TrainerStep(settings, stats), stats.loop);
        loop.start();
    }

    /**
     * Replay runs once and ends the process: exit 0 on a matching hash, 3 on a mismatch, 4 if
     * impossible.
     */
    private void startReplay(TrainerSettings settings, long version) {
        stats.loop.state.set(LoopState.REPLAYING);
        Thread replay =
                new Thread(
                        () -> {
                            int code;
                            try {
                                Replay.Result r =
                                        Replay.run(
                                                settings,
                                                version,
                                                Path.of(
                                                        config.checkpointDir(),
                                                        "replay-" + System.currentTimeMillis()));
                                LOG.info(r.describe());
                                code = r.problem() != null ? 4 : r.matches() ? 0 : 3;
                            } catch (Exception | Error e) {
                                LOG.error("replay failed", e);
                                LOG.error(
                                        "replay of v"
                                                + version
                                                + " not possible: "
                                                + e.getMessage());
                                code = 4;
                            }
                            io.quarkus.runtime.Quarkus.asyncExit(code);
                        },
                        "trainer-replay");
        replay.start();
    }

    void stop(@Observes ShutdownEvent ignored) throws InterruptedException {
        if (loop != null) {
            LOG.info(
                    "stopping the trainer loop; an unfinished round is not committed and will be"
                            + " re-trained");
            loop.stopAndWait(Duration.ofMinutes(1));
        }
    }

    TrainerStats stats() {
        return stats;
    }

    private void registerMetrics() {
        LoopMetrics.register(registry, "distill.trainer", stats.loop);
        gauge("distill.trainer.rollouts.trained", () -> stats.rolloutsTrained.get());
        gauge("distill.trainer.response.tokens", () -> stats.responseTokens.get());
        gauge("distill.trainer.rollouts.dropped.stale", () -> stats.droppedStale.get());
        gauge("distill.trainer.rounds", () -> stats.rounds.get());
        gauge("distill.trainer.version", () -> stats.version.get());
        gauge("distill.trainer.loss", stats.lastLoss::get);
        gauge("distill.trainer.tokens.per.second", stats.lastTokensPerSecond::get);
        gauge("distill.trainer.staleness.max", () -> stats.maxStaleness.get());
        for (String term :
                java.util.List.of(
                        "loss",
                        "pg",
                        "reg",
                        "pt",
                        "ce",
                        "fkl",
                        "jsd",
                        "skew_fkl",
                        "reward",
                        "grad_norm")) {
            Gauge.builder(
                            "distill.trainer.loss.term",
                            () -> stats.lossTerms.getOrDefault(term, Double.NaN))
                    .tag("term", term)
                    .register(registry);
        }
    }

    private void gauge(String name, Supplier<Number> value) {
        Gauge.builder(name, value).register(registry);
    }
}
