package dev.distill.trainer;

import ai.djl.ndarray.NDManager;
import dev.distill.core.checkpoint.CheckpointManifest;
import dev.distill.core.checkpoint.CheckpointStore;
import dev.distill.core.checkpoint.Checkpoints;
import dev.distill.core.data.Rollout;
import dev.distill.core.model.ModelConfig;
import dev.distill.core.train.PretrainCorpus;
import dev.distill.core.train.StudentTrainer;
import dev.distill.platform.checkpoint.RunChain;
import dev.distill.platform.kafka.AvroDecoder;
import dev.distill.platform.loop.Step;
import dev.distill.platform.loop.Transactions;
import dev.distill.schemas.avro.CheckpointEvent;
import dev.distill.schemas.avro.OffsetRange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * The trainer's step in the shared loop. A round is the shortest prefix of the polled records that
 * holds rollouts-per-round valid rollouts (with any poison or other-run records among them); it is
 * trained in (partition, offset) order, written as checkpoint v+1, and then ONE Kafka transaction
 * publishes the CheckpointEvent and the round's dead letters and commits the round's offsets (with
 * "v=..;sha=.." as commit metadata). A crash before that commit leaves offsets at the previous
 * checkpoint, so the restarted trainer re-trains the same rollouts from the same weights: nothing
 * lost, nothing trained twice.
 */
final class TrainerStep implements Step {
    private static final Logger LOG = Logger.getLogger(TrainerStep.class);

    private final TrainerSettings s;
    private final TrainerStats stats;
    private final Runnable beforeCommit;
    private final NDManager root = NDManager.newBaseManager();
    private RolloutDecoder decoder;
    private ParentTrainer parent;
    private Recovered current;
    private TrainedPrompts trained;

    /**
     * Records in poll order; within a partition that is offset order, so any prefix of this list
     * covers a contiguous offset range per partition and can be committed as such.
     */
    private List<RolloutDecoder.Polled> pending = new ArrayList<>();

    TrainerStep(TrainerSettings settings, TrainerStats stats) {
        this(settings, stats, () -> {});
    }

    /**
     * @param beforeCommit runs between writing a checkpoint and committing it (tests inject crashes
     *     here)
     */
    TrainerStep(TrainerSettings settings, TrainerStats stats, Runnable beforeCommit) {
        this.s = settings;
        this.stats = stats;
        this.beforeCommit = beforeCommit;
    }

    @Override
    public void open(Map<TopicPartition, OffsetAndMetadata> committed) throws IOException {
        decoder = new RolloutDecoder(s);
        Recovered start = recover(committed);
        List<Path> published = new ArrayList<>();
        for (long v = 1; v <= start.version(); v++) {
            published.add(s.runDir().resolve(CheckpointStore.versionDirName(v)));
        }
        trained = TrainedPrompts.of(published);
        load(start);
        PretrainCorpus pretrain = parent.pretrain();
        if (pretrain != null) {
            LOG.infof(
                    "L_pt on %s: %d windows, sha256 %s; teacher share %.2f%s",
                    pretrain.file(),
                    pretrain.windows(),
                    pretrain.sha256(),
                    s.pretrain().teacherShare(),
                    s.pretrain().teacherScores() == null
                            ? ""
                            : " with the teacher's scores in " + s.pretrain().teacherScores());
        }
        stats.version.set(start.version());
        LOG.infof(
                "trainer for run %s resumes at version %d from %s (%d prompts trained)",
                s.runId(), start.version(), start.dir(), trained.size());
    }

    /** Loads the student, its optimiser state and the L_pt data of checkpoint {@code at}. */
    private void load(Recovered at) throws IOException {
        if (parent != null) {
            parent.close();
            parent = null;
        }
        parent = ParentTrainer.open(s, at.dir(), at.version(), root);
        current = at;
    }

    @Override
    public void process(List<ConsumerRecord<String, byte[]>> records, Transactions tx)
            throws IOException {
        ModelConfig model = parent.student().model().config();
        for (ConsumerRecord<String, byte[]> r : records) {
            pending.add(decoder.decode(r, model));
        }
        int cut = roundEnd(pending);
        while (cut > 0 && !finished()) {
            trainAndPublish(new ArrayList<>(pending.subList(0, cut)), tx, model);
            pending = new ArrayList<>(pending.subList(cut, pending.size()));
            cut = roundEnd(pending);
        }
    }

    @Override
    public long held() {
        return pending.size();
    }

    @Override
    public boolean finished() {
        return s.maxRounds() > 0 && stats.rounds.get() >= s.maxRounds();
    }

    @Override
    public String onFailure() {
        return "offsets stay at the last published checkpoint";
    }

    @Override
    public void close() {
        if (parent != null) {
            parent.close();
        }
        if (decoder != null) {
            decoder.close();
        }
        root.close();
    }

    /**
     * Length of the prefix holding exactly rolloutsPerRound valid rollouts, or 0 if there are
     * fewer.
     */
    private int roundEnd(List<RolloutDecoder.Polled> pending) {
        int valid = 0;
        for (int i = 0; i < pending.size(); i++) {
            if (pending.get(i).rollout() != null && ++valid == s.rolloutsPerRound()) {
                return i + 1;
            }
        }
        return 0;
    }

    private void trainAndPublish(
            List<RolloutDecoder.Polled> round, Transactions tx, ModelConfig model)
            throws IOException {
        long t0 = System.nanoTime();
        RoundTraining.Outcome outcome =
                RoundTraining.train(
                        RolloutDecoder.prepareRound(round, parent.trainer().version(), trained),
                        new RoundTraining.Attempt() {
                            @Override
                            public StudentTrainer trainer() {
                                return parent.trainer();
                            }

                            @Override
                            public void restore() throws IOException {
                                load(current);
                            }

                            @Override
                            public StudentTrainer.Round train(List<Rollout> rollouts)
                                    throws IOException {
                                StudentTrainer trainer = parent.trainer();
                                moveAsideUnpublished(
                                        s.runDir()
                                                .resolve(
                                                        CheckpointStore.versionDirName(
                                                                trainer.version() + 1)));
                                return trainer.trainRound(
                                        rollouts,
                                        s.pretrainBatches(parent.pretrain(), trainer.version()),
                                        s.runDir(),
                                        l -> {});
                            }
                        });
        double seconds = (System.nanoTime() - t0) / 1e9;
        StudentTrainer.Round result = outcome.round();
        List<RolloutDecoder.Polled> ordered = outcome.ordered();
        List<Rollout> rollouts = RoundTraining.rollouts(ordered);
        Set<String> used = new HashSet<>(result.used());
        // Only what was trained counts: stale rollouts are dropped by the trainer, not trained on.
        long tokens =
                rollouts.stream()
                                .filter(r -> used.contains(r.rolloutId()))
                                .mapToLong(Rollout::length)
                                .sum()
                        * s.epochs();

        Map<TopicPartition, long[]> ranges =
                new TreeMap<>(Comparator.comparing(TopicPartition::toString));
        for (RolloutDecoder.Polled p : ordered) {
            TopicPartition tp = new TopicPartition(p.record().topic(), p.record().partition());
            long[] r = ranges.computeIfAbsent(tp, k -> new long[] {Long.MAX_VALUE, -1});
            r[0] = Math.min(r[0], p.record().offset());
            r[1] = Math.max(r[1], p.record().offset());
        }
        String commitMeta = "v=" + result.version() + ";sha=" + result.manifest().weightsSha256();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        List<OffsetRange> lineage = new ArrayList<>();
        ranges.forEach(
                (tp, r) -> {
                    offsets.put(tp, new OffsetAndMetadata(r[1] + 1, commitMeta));
                    lineage.add(new OffsetRange(tp.topic(), tp.partition(), r[0], r[1]));
                });
        int deadLettered = (int) ordered.stream().filter(p -> p.deadLetter() != null).count();
        CheckpointEvent event = event(result, model, lineage, seconds, tokens, deadLettered);

        beforeCommit.run();
        List<Transactions.Output> out = new ArrayList<>();
        out.add(new Transactions.Output(s.checkpointsTopic(), s.runId(), event));
        for (RolloutDecoder.Polled p : ordered) {
            if (p.deadLetter() != null) {
                out.add(
                        new Transactions.Output(
                                s.deadLettersTopic(), p.record().key(), p.deadLetter()));
            }
        }
        tx.commit(out, offsets);
        current = new Recovered(result.version(), result.dir(), result.manifest());
        trained.add(
                rollouts.stream()
                        .filter(r -> used.contains(r.rolloutId()))
                        .map(Rollout::promptId)
                        .toList(),
                result.version());
        stats.rounds.incrementAndGet();
        stats.version.set(result.version());
        stats.rolloutsTrained.addAndGet(result.used().size());
        stats.droppedStale.addAndGet(result.droppedStale().size());
        stats.responseTokens.addAndGet(tokens);
        stats.lastTokensPerSecond.set(tokens / seconds);
        stats.lastLoss.set(
                result.steps().isEmpty()
                        ? Double.NaN
                        : result.steps().get(result.steps().size() - 1).loss());
        event.getTrainMetrics().forEach(stats.lossTerms::put);
        stats.maxStaleness.set(
                rollouts.stream()
                        .mapToLong(r -> result.version() - 1 - r.behaviourVersion())
                        .max()
                        .orElse(0));
        LOG.infof(
                "published checkpoint v%d of run %s: %d rollouts, %d stale, %d dead-lettered, %.0f"
                        + " tokens/s",
                result.version(),
                s.runId(),
                result.used().size(),
                result.droppedStale().size(),
                deadLettered,
                tokens / seconds);
    }

    private CheckpointEvent event(
            StudentTrainer.Round result,
            ModelConfig model,
            List<OffsetRange> lineage,
            double seconds,
            long tokens,
            int deadLettered)
            throws IOException {
        CheckpointManifest m = result.manifest();
        Map<String, Double> metrics = new TreeMap<>();
        result.steps().stream()
                .flatMap(st -> st.parts().entrySet().stream())
                .forEach(
                        e ->
                                metrics.merge(
                                        e.getKey(),
                                        e.getValue() / result.steps().size(),
                                        Double::sum));
        metrics.put(
                "loss",
                result.steps().stream()
                        .mapToDouble(StudentTrainer.StepLog::loss)
                        .average()
                        .orElse(Double.NaN));
        metrics.put(
                "grad_norm",
                result.steps().stream()
                        .mapToDouble(StudentTrainer.StepLog::gradNorm)
                        .average()
                        .orElse(Double.NaN));
        if (!Double.isNaN(result.supportKlGap())) {
            metrics.put("support_gap", result.supportKlGap());
        }
        metrics.put("rollouts", (double) result.used().size());
        metrics.put("dropped_stale", (double) result.droppedStale().size());
        metrics.put("dead_lettered", (double) deadLettered);
        metrics.put("response_tokens", (double) tokens);
        metrics.put("response_tokens_per_second", tokens / seconds);
        return CheckpointEvent.newBuilder()
                .setRunId(s.runId())
                .setVersion(result.version())
                .setStep(m.step())
                .setUri(CheckpointStore.at(s.checkpointRoot()).publish(result.dir()).toString())
                .setSha256(m.weightsSha256())
                .setSizeBytes(Files.size(result.dir().resolve(Checkpoints.WEIGHTS)))
                .setModelConfig(
                        new dev.distill.schemas.avro.ModelConfig(
                                model.vocabSize(),
                                model.nPositions(),
                                model.hidden(),
                                model.nLayer(),
                                model.nHead(),
                                model.modelType(),
                                model.nKvHead()))
                .setParentVersion(m.parentVersion())
                .setLineage(lineage)
                .setConfigHash(m.configHash())
                .setSeed(s.seed())
                .setTrainMetrics(metrics)
                .setCreatedAt(Instant.now())
                .build();
    }

    /**
     * Where training resumes: the checkpoint named by the committed offsets, or the initial one.
     */
    private record Recovered(long version, Path dir, CheckpointManifest manifest) {}

    private Recovered recover(Map<TopicPartition, OffsetAndMetadata> committed) throws IOException {
        long version = 0;
        String sha = null;
        for (OffsetAndMetadata om : committed.values()) {
            if (om == null || om.metadata() == null || !om.metadata().startsWith("v=")) {
                continue;
            }
            Map<String, String> kv = new HashMap<>();
            for (String part : om.metadata().split(";")) {
                String[] x = part.split("=", 2);
                kv.put(x[0], x.length > 1 ? x[1] : "");
            }
            long v = Long.parseLong(kv.get("v"));
            if (v > version) {
                version = v;
                sha = kv.get("sha");
            }
        }
        if (version == 0) {
            refuseToStartAPublishedRunOver();
            return new Recovered(
                    0,
                    s.initialCheckpoint(),
                    Checkpoints.readManifest(s.initialCheckpoint()).orElse(null));
        }
        long named = version;
        Path dir = s.runDir().resolve(CheckpointStore.versionDirName(version));
        CheckpointManifest m =
                Checkpoints.readManifest(dir)
                        .orElseThrow(
                                () ->
                                        new IOException(
                                                "committed offsets name checkpoint v"
                                                        + named
                                                        + " of run "
                                                        + s.runId()
                                                        + " but "
                                                        + dir
                                                        + " has no manifest"));
        if (!m.weightsSha256().equals(sha)) {
            throw new IOException(
                    "checkpoint "
                            + dir
                            + " has weights "
                            + m.weightsSha256()
                            + " but the committed offsets"
                            + " record "
                            + sha
                            + "; refusing to train on top of a different model");
        }
        return new Recovered(version, dir, m);
    }

    /**
     * No committed offsets name a checkpoint, but the run may have published some: its offsets
     * expired (offsets.retention.minutes after the last commit) or were reset, or the run id was
     * used before. Starting over at v0 would publish a second v1, which every reader refuses (it is
     * not on the run's chain), while the trainer kept training: fail loudly instead.
     */
    private void refuseToStartAPublishedRunOver() throws IOException {
        long published;
        try (AvroDecoder<CheckpointEvent> events =
                new AvroDecoder<>(s.registryUrl(), CheckpointEvent.class)) {
            published =
                    RunChain.readPublished(
                                    s.kafka(),
                                    s.checkpointsTopic(),
                                    events,
                                    s.runId(),
                                    Duration.ofMinutes(2))
                            .newest();
        }
        if (published > 0) {
            throw new IOException(
                    "run "
                            + s.runId()
                            + " has published checkpoints v1..v"
                            + published
                            + " on "
                            + s.checkpointsTopic()
                            + " but no committed offsets of group "
                            + s.loop().groupId()
                            + " name one (expired after the broker's offsets.retention.minutes,"
                            + " reset, or the run id was used before): refusing to start the run"
                            + " over at v0; use a new run id, or restore the group's offsets");
        }
    }

    /**
     * A checkpoint directory for a version that was never committed is a crash leftover: keep it
     * aside.
     */
    private static void moveAsideUnpublished(Path dir) throws IOException {
        if (Files.exists(dir)) {
            Path aside =
                    dir.resolveSibling(
                            dir.getFileName() + ".unpublished-" + System.currentTimeMillis());
            Files.move(dir, aside);
            LOG.warnf("moved unpublished checkpoint %s aside to %s", dir, aside);
        }
    }
}
