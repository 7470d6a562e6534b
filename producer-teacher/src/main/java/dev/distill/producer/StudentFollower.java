package dev.distill.producer;

import ai.djl.ndarray.NDManager;
import dev.distill.core.checkpoint.CheckpointStores;
import dev.distill.core.checkpoint.Checkpoints;
import dev.distill.platform.kafka.ClientConfigs;
import dev.distill.schemas.avro.CheckpointEvent;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
    private volatile KafkaConsumer<String, CheckpointEvent> consumer;

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
        KafkaConsumer<String, CheckpointEvent> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    @Override
    public void run() {
        try (KafkaConsumer<String, CheckpointEvent> c =
                new KafkaConsumer<>(
                        ClientConfigs.avroConsumer(s.bootstrapServers(), s.registryUrl()))) {
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
                for (ConsumerRecord<String, CheckpointEvent> r : c.poll(Duration.ofMillis(500))) {
                    CheckpointEvent e = r.value();
                    if (e != null
                            && e.getRunId().equals(s.runId())
                            && e.getVersion() > newestSeen
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
            }
        } catch (WakeupException e) {
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
