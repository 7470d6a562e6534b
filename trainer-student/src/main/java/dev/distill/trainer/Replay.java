package dev.distill.trainer;

import ai.djl.ndarray.NDManager;
import dev.distill.core.checkpoint.CheckpointStore;
import dev.distill.core.data.Rollout;
import dev.distill.core.model.ModelConfig;
import dev.distill.core.train.StudentTrainer;
import dev.distill.platform.checkpoint.RunChain;
import dev.distill.platform.kafka.AvroDecoder;
import dev.distill.schemas.avro.CheckpointEvent;
import dev.distill.schemas.avro.OffsetRange;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Re-runs the round that produced checkpoint v of a run: the parent checkpoint (weights and
 * optimiser state), the exact rollout slice of the lineage read back from the topic, the same
 * decoding and order, the same configuration; and compares the SHA-256 of the result with the
 * recorded one.
 */
final class Replay {
    private Replay() {}

    record Result(
            long version, String recordedSha, String replayedSha, int rollouts, String problem) {
        boolean matches() {
            return problem == null && recordedSha.equals(replayedSha);
        }

        String describe() {
            return problem != null
                    ? "replay of v" + version + " not possible: " + problem
                    : "replay of v"
                            + version
                            + " over "
                            + rollouts
                            + " rollouts: recorded "
                            + recordedSha
                            + ", replayed "
                            + replayedSha
                            + (matches() ? " -> MATCH" : " -> MISMATCH");
        }
    }

    static Result run(TrainerSettings s, long version, Path workDir) throws IOException {
        Map<Long, CheckpointEvent> events = checkpointEvents(s);
        CheckpointEvent target = events.get(version);
        if (target == null) {
            return new Result(
                    version,
                    "",
                    "",
                    0,
                    "no checkpoint event for run "
                            + s.runId()
                            + " version "
                            + version
                            + " on "
                            + s.checkpointsTopic()
                            + " (found "
                            + events.keySet()
                            + ")");
        }
        long parentVersion = target.getParentVersion() == null ? 0 : target.getParentVersion();
        Path parentDir =
                parentVersion == 0
                        ? s.initialCheckpoint()
                        : events.containsKey(parentVersion)
                                ? CheckpointStore.at(s.checkpointRoot())
                                        .open(URI.create(events.get(parentVersion).getUri()))
                                : null;
        if (parentDir == null) {
            return new Result(
                    version,
                    target.getSha256(),
                    "",
                    0,
                    "the parent checkpoint v" + parentVersion + " is unknown");
        }
        List<Path> ancestors = new ArrayList<>();
        for (long v = 1; v <= parentVersion; v++) {
            CheckpointEvent e = events.get(v);
            if (e == null) {
                return new Result(
                        version,
                        target.getSha256(),
                        "",
                        0,
                        "the ancestor checkpoint v" + v + " is unknown");
            }
            ancestors.add(CheckpointStore.at(s.checkpointRoot()).open(URI.create(e.getUri())));
        }
        try (NDManager root = NDManager.newBaseManager();
                Parent parent = new Parent(s, parentDir, parentVersion, root)) {
            return replay(s, version, workDir, target, parent, TrainedPrompts.of(ancestors));
        }
    }

    /**
     * The parent checkpoint ready to train from; {@link #restore()} opens it again after a failed
     * attempt, as the live loop does.
     */
    private static final class Parent implements RoundTraining.Attempt, AutoCloseable {
        private final TrainerSettings s;
        private final Path dir;
        private final long version;
        private final NDManager root;
        private Path workDir;
        private ParentTrainer opened;

        Parent(TrainerSettings s, Path dir, long version, NDManager root) throws IOException {
            this.s = s;
            this.dir = dir;
            this.version = version;
            this.root = root;
            restore();
        }

        @Override
        public StudentTrainer trainer() {
            return opened.trainer();
        }

        @Override
        public void restore() throws IOException {
            close();
            opened = ParentTrainer.open(s, dir, version, root);
        }

        @Override
        public StudentTrainer.Round train(List<Rollout> rollouts) throws IOException {
            Path out = workDir.resolve("attempt-" + System.nanoTime());
            Files.createDirectories(out);
            return opened.trainer()
                    .trainRound(
                            rollouts, s.pretrainBatches(opened.pretrain(), version), out, l -> {});
        }

        @Override
        public void close() {
            if (opened != null) {
                opened.close();
                opened = null;
            }
        }
    }

    /**
     * Re-trains the recorded slice from the parent, once the configuration is known to be the same.
     */
    private static Result replay(
            TrainerSettings s,
            long version,
            Path workDir,
            CheckpointEvent target,
            Parent parent,
            TrainedPrompts trained)
            throws IOException {
        List<RolloutDecoder.Polled> slice =
                RolloutDecoder.prepareRound(
                        readSlice(s, target.getLineage(), parent.opened.student().model().config()),
                        parent.version,
                        trained);
        if (!parent.trainer().configHash().equals(target.getConfigHash())) {
            return new Result(
                    version,
                    target.getSha256(),
                    "",
                    0,
                    "the configuration differs from the recorded one"
                            + " (config hash "
                            + parent.trainer().configHash()
                            + " vs "
                            + target.getConfigHash()
                            + ")");
        }
        parent.workDir = workDir;
        RoundTraining.Outcome outcome = RoundTraining.train(slice, parent);
        return new Result(
                version,
                target.getSha256(),
                outcome.round().manifest().weightsSha256(),
                RoundTraining.rollouts(outcome.ordered()).size(),
                null);
    }

    /**
     * The run's published chain only: a later event for a version, or one off the chain, is not
     * what the trainer published and must not change what replay compares against.
     */
    private static Map<Long, CheckpointEvent> checkpointEvents(TrainerSettings s) {
        try (AvroDecoder<CheckpointEvent> decoder =
                new AvroDecoder<>(s.registryUrl(), CheckpointEvent.class)) {
            return RunChain.readPublished(
                            s.kafka(),
                            s.checkpointsTopic(),
                            decoder,
                            s.runId(),
                            Duration.ofMinutes(2))
                    .events();
        }
    }

    /** The records of the lineage ranges, read committed, decoded exactly as the live loop did. */
    private static List<RolloutDecoder.Polled> readSlice(
            TrainerSettings s, List<OffsetRange> lineage, ModelConfig model) {
        Map<String, Object> p =
                dev.distill.platform.kafka.ClientConfigs.bytesConsumer(
                        s.kafka(), null, 500, 300_000);
        List<RolloutDecoder.Polled> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p);
                RolloutDecoder decoder = new RolloutDecoder(s)) {
            for (OffsetRange range : lineage) {
                TopicPartition tp = new TopicPartition(range.getTopic(), range.getPartition());
                c.assign(List.of(tp));
                c.seek(tp, range.getFromOffset());
                while (c.position(tp) <= range.getToOffset()) {
                    for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                        if (r.offset() <= range.getToOffset()) {
                            out.add(decoder.decode(r, model));
                        }
                    }
                }
            }
        }
        return out;
    }
}
