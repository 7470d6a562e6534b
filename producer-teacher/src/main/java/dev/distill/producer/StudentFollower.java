package dev.distill.producer;

import ai.djl.ndarray.NDManager;
import dev.distill.core.checkpoint.CheckpointStore;
import dev.distill.core.checkpoint.Checkpoints;
import dev.distill.platform.checkpoint.PublishedCheckpoints;
import dev.distill.platform.checkpoint.RunChain;
import dev.distill.platform.kafka.AvroDecoder;
import dev.distill.platform.kafka.ClientConfigs;
import dev.distill.platform.kafka.DeadLetters;
import dev.distill.platform.kafka.Sources;
import dev.distill.platform.kafka.TransientFailureException;
import dev.distill.platform.kafka.UndecodableRecordException;
import dev.distill.schemas.avro.CheckpointEvent;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * Follows distill.checkpoints and loads each newer student of the run in the background (hash
 * verified), handing it over to the sampling loop between batches: sampling never waits for a load.
 * An event it refuses (undecodable, outside the run's published chain, or whose weights do not
 * verify) goes to the dead letters with the reason, and the follower goes on. It reads the topic
 * from the start in every producer session, so a refused event is reported once per session; its
 * source coordinates identify it.
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

    private static final String SERVICE = "producer-teacher";

    private final ProducerSettings s;
    private final ProducerStats stats;
    private final NDManager root;
    private final CheckpointStore store;
    private final AtomicReference<Student> pending = new AtomicReference<>();
    private volatile long newestSeen;
    private volatile boolean caughtUp;
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile RuntimeException failure;
    private KafkaProducer<String, Object> deadLetters;

    StudentFollower(ProducerSettings settings, ProducerStats stats, NDManager root) {
        this.s = settings;
        this.store = CheckpointStore.at(settings.checkpointStore());
        this.stats = stats;
        this.root = root;
    }

    /**
     * Why the follower stopped on its own, or null while it runs: the producer's session fails on
     * it, so the loop restarts the follower instead of sampling with an old student for good.
     */
    RuntimeException failure() {
        return failure;
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
        RunChain chain = new RunChain(s.runId());
        try (KafkaConsumer<String, byte[]> c =
                        new KafkaConsumer<>(
                                ClientConfigs.bytesConsumer(s.kafka(), null, 500, 300_000));
                AvroDecoder<CheckpointEvent> decoder =
                        new AvroDecoder<>(s.registryUrl(), CheckpointEvent.class);
                KafkaProducer<String, Object> dead =
                        new KafkaProducer<>(
                                ClientConfigs.producer(
                                        s.kafka(), s.registryUrl(), s.registerSchemas()))) {
            consumer = c;
            deadLetters = dead;
            List<TopicPartition> tps =
                    c.partitionsFor(s.checkpointsTopic()).stream()
                            .map(p -> new TopicPartition(p.topic(), p.partition()))
                            .toList();
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps);
            while (running) {
                // the run's new versions in this poll, each with its record, newest first
                TreeMap<Long, ConsumerRecord<String, byte[]>> records =
                        new TreeMap<>(Comparator.reverseOrder());
                Map<Long, CheckpointEvent> candidates = new HashMap<>();
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
                        refuse(r, ex);
                        continue;
                    }
                    if (!e.getRunId().equals(s.runId())) {
                        continue;
                    }
                    if (!chain.accepts(r, e)) {
                        refuse(r, new IllegalArgumentException(chain.refusal(e)));
                        continue;
                    }
                    if (e.getVersion() > newestSeen) {
                        records.put(e.getVersion(), r);
                        candidates.put(e.getVersion(), e);
                    }
                }
                // The newest that loads wins; one that does not is refused and the next tried.
                for (Map.Entry<Long, ConsumerRecord<String, byte[]>> next : records.entrySet()) {
                    if (load(candidates.get(next.getKey()), next.getValue())) {
                        break;
                    }
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
            LOG.error("checkpoint follower stopped; the producer's session fails on it", e);
            failure = e;
        } finally {
            caughtUp = true;
            Student left = take();
            if (left != null) {
                left.close();
            }
        }
    }

    /** Loads and verifies the student of {@code e}; false (and dead-lettered) if it cannot. */
    private boolean load(CheckpointEvent e, ConsumerRecord<String, byte[]> r) {
        try {
            Checkpoints.Loaded loaded = PublishedCheckpoints.loadVerified(e, store, root);
            newestSeen = e.getVersion();
            Student old = pending.getAndSet(new Student(e.getVersion(), loaded));
            if (old != null) {
                old.close();
            }
            LOG.infof(
                    "loaded student v%d of run %s from %s",
                    e.getVersion(), s.runId(), loaded.dir());
            return true;
        } catch (java.io.IOException | RuntimeException ex) {
            // A missing, unreadable, malformed or unverified checkpoint is the event's fault.
            refuse(r, new IllegalArgumentException("not sampling with " + ex.getMessage(), ex));
            return false;
        }
    }

    /** Dead-letters a checkpoint event the follower will not use, and goes on. */
    private void refuse(ConsumerRecord<String, byte[]> r, Exception why) {
        LOG.warnf("dead-lettering checkpoint event %s: %s", Sources.of(r), why.getMessage());
        stats.checkpointsRejected.incrementAndGet();
        try {
            deadLetters
                    .send(
                            new ProducerRecord<>(
                                    s.deadLettersTopic(), r.key(), DeadLetters.of(r, why, SERVICE)))
                    .get(2, TimeUnit.MINUTES);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new WakeupException();
        } catch (ExecutionException | TimeoutException ex) {
            throw new TransientFailureException(
                    "cannot dead-letter checkpoint event " + Sources.of(r), ex);
        }
    }
}
