package dev.distill.producer;

import ai.djl.ndarray.NDManager;
import dev.distill.core.checkpoint.CheckpointStores;
import dev.distill.core.checkpoint.Checkpoints;
import dev.distill.platform.kafka.AvroDecoder;
import dev.distill.platform.kafka.ClientConfigs;
import dev.distill.platform.kafka.Sources;
import dev.distill.platform.kafka.TransientFailureException;
import dev.distill.platform.kafka.UndecodableRecordException;
import dev.distill.schemas.avro.CheckpointEvent;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * Follows distill.checkpoints and loads each newer student of the run in the background (hash
 * verified), handing it over to the sampling loop between batches: sampling never waits for a load.
 */
final class StudentFollower implements Runnable {
    private static final Logger LOG = Logger.getLogger(StudentFollower.class);

    /** A loaded student and the version it is. */
    record Student(long version, Checkpoints.Loaded loaded) implements AutoCloseable {
        @Override
        public void close() {
            loaded.close();
        }
    }

    private final ProducerSettings s;
    private final NDManager root;
    private final AtomicReference<Student> pending = new AtomicReference<>();
    private volatile long newestSeen;
    private volatile boolean caughtUp;
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, byte[]> consumer;

    StudentFollower(ProducerSettings settings, NDManager root) {
        this.s = settings;
        this.root = root;
    }

    /**
     * The newest loaded student not yet taken, or null. The caller owns (and closes) what it takes.
     */
    Student take() {
        return pending.getAndSet(null);
    }

    /**
     * Waits until the topic has been read to its end once, so start-up samples with the newest
     * student.
     */
    void awaitCaughtUp(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!caughtUp && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    void stop() {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    @Override
    public void run() {
        Set<Long> chain = new HashSet<>(Set.of(0L)); // versions published by the run's trainer
        try (KafkaConsumer<String, byte[]> c =
                        new KafkaConsumer<>(
                                ClientConfigs.bytesConsumer(
                                        s.bootstrapServers(), null, 500, 300_000));
                AvroDecoder<CheckpointEvent> decoder =
                        new AvroDecoder<>(s.registryUrl(), CheckpointEvent.class)) {
            consumer = c;
            List<TopicPartition> tps =
                    c.partitionsFor(s.checkpointsTopic()).stream()
                            .map(p -> new TopicPartition(p.topic(), p.partition()))
                            .toList();
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps);
            while (running) {
                CheckpointEvent newest = null;
                boolean retry = false;
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    CheckpointEvent e;
                    try {
                        e = decoder.decode(r);
                    } catch (TransientFailureException ex) {
                        // The registry is unreachable: read this event again later, never skip it.
                        LOG.warnf("cannot decode %s yet: %s", Sources.of(r), ex.getMessage());
                        c.seek(new TopicPartition(r.topic(), r.partition()), r.offset());
                        retry = true;
                        break;
                    } catch (UndecodableRecordException ex) {
                        LOG.warnf(
                                "skipping undecodable checkpoint event %s: %s",
                                Sources.of(r), ex.getMessage());
                        continue;
                    }
                    if (!e.getRunId().equals(s.runId())) {
                        continue;
                    }
                    if (!extendsChain(chain, e)) {
                        LOG.warnf(
                                "ignoring checkpoint event v%d of run %s at %s: its parent v%s is"
                                        + " not the version before it in the run's published chain",
                                e.getVersion(), s.runId(), Sources.of(r), e.getParentVersion());
                        continue;
                    }
                    if (e.getVersion() > newestSeen
                            && (newest == null || e.getVersion() > newest.getVersion())) {
                        newest = e;
                    }
                }
                if (newest != null) {
                    load(newest);
                }
                if (!caughtUp && tps.stream().allMatch(tp -> c.position(tp) >= end.get(tp))) {
                    caughtUp = true;
                }
                if (retry) {
                    Thread.sleep(1000);
                }
            }
        } catch (WakeupException | InterruptedException e) {
            // stopping
        } catch (RuntimeException e) {
            LOG.error(
                    "checkpoint follower stopped; the producer keeps sampling with the student it"
                            + " has",
                    e);
        } finally {
            caughtUp = true;
            Student left = take();
            if (left != null) {
                left.close();
            }
        }
    }

    /**
     * Whether {@code e} is the next version of the run's trainer: v+1 with parent v, v already
     * published. A forged event with a huge version, or one whose parent was never published, would
     * otherwise pin the producer to it (the follower takes only newer versions).
     */
    static boolean extendsChain(Set<Long> chain, CheckpointEvent e) {
        Long parent = e.getParentVersion();
        if (parent == null
                || !chain.contains(parent)
                || e.getVersion() != parent + 1
                || chain.contains(e.getVersion())) {
            return false;
        }
        chain.add(e.getVersion());
        return true;
    }

    private void load(CheckpointEvent e) {
        Path dir = null;
        try {
            dir = CheckpointStores.open(URI.create(e.getUri()));
            Checkpoints.Loaded loaded = Checkpoints.load(dir, root);
            String sha = loaded.manifest().map(m -> m.weightsSha256()).orElse("");
            if (!sha.equals(e.getSha256())) {
                loaded.close();
                LOG.errorf(
                        "checkpoint v%d at %s has weights %s but its event says %s; not using it",
                        e.getVersion(), dir, sha, e.getSha256());
                return;
            }
            newestSeen = e.getVersion();
            Student old = pending.getAndSet(new Student(e.getVersion(), loaded));
            if (old != null) {
                old.close();
            }
            LOG.infof("loaded student v%d of run %s from %s", e.getVersion(), s.runId(), dir);
        } catch (java.io.IOException | RuntimeException ex) {
            LOG.errorf(
                    "cannot load checkpoint v%d from %s: %s",
                    e.getVersion(), e.getUri(), ex.getMessage());
        }
    }
}
