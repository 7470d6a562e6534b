package dev.distill.cli.demo;

import dev.distill.platform.kafka.ClientConfigs;
import dev.distill.schemas.Topics;
import dev.distill.schemas.avro.CheckpointEvent;
import dev.distill.schemas.avro.DeadLetter;
import dev.distill.schemas.avro.EvalReport;
import dev.distill.schemas.avro.Rollout;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Follows one run through the platform's topics, as any client could: rollouts produced,
 * checkpoints published (with the round's loss terms) and evaluation reports, all read committed.
 * It is the demo's only view of the services, so what it shows is what reached Kafka.
 */
final class RunWatcher implements Runnable, AutoCloseable {
    private final String runId;
    private final KafkaConsumer<String, Object> consumer;
    private final Thread thread;
    private final AtomicLong rollouts = new AtomicLong();
    private final AtomicLong deadLetters = new AtomicLong();
    private final Set<String> deadLetterKeys = ConcurrentHashMap.newKeySet();
    private final TreeMap<Long, CheckpointEvent> checkpoints = new TreeMap<>();
    private final TreeMap<Long, EvalReport> reports = new TreeMap<>();
    private volatile RuntimeException failure;
    private volatile boolean running = true;

    RunWatcher(String bootstrap, String registryUrl, String runId) {
        this.runId = runId;
        this.consumer = new KafkaConsumer<>(ClientConfigs.avroConsumer(bootstrap, registryUrl));
        List<TopicPartition> tps = new ArrayList<>();
        for (String topic :
                List.of(
                        Topics.ROLLOUTS,
                        Topics.CHECKPOINTS,
                        Topics.EVALUATIONS,
                        Topics.DEAD_LETTERS)) {
            consumer.partitionsFor(topic)
                    .forEach(p -> tps.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(tps);
        consumer.seekToBeginning(tps);
        this.thread = new Thread(this, "demo-watch-" + runId);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void run() {
        try {
            while (running) {
                try {
                    for (ConsumerRecord<String, Object> r : consumer.poll(Duration.ofMillis(300))) {
                        take(r.value());
                    }
                } catch (RecordDeserializationException e) {
                    // Someone else's garbage on a shared topic: the services dead-letter it; the
                    // view skips it.
                    consumer.seek(e.topicPartition(), e.offset() + 1);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    private void take(Object value) {
        if (value instanceof Rollout r && r.getRunId().equals(runId)) {
            rollouts.incrementAndGet();
        } else if (value instanceof CheckpointEvent e && e.getRunId().equals(runId)) {
            synchronized (checkpoints) {
                checkpoints.put(e.getVersion(), e);
            }
        } else if (value instanceof EvalReport e && e.getRunId().equals(runId)) {
            synchronized (reports) {
                reports.put(e.getVersion(), e);
            }
        } else if (value instanceof DeadLetter d) {
            // Dead letters carry no run id in every case (undecodable bytes have none): count them
            // all, and the demo only runs one run at a time.
            deadLetters.incrementAndGet();
            if (d.getKey() != null) {
                deadLetterKeys.add(
                        StandardCharsets.UTF_8.decode(d.getKey().duplicate()).toString());
            }
        }
    }

    long rollouts() {
        return rollouts.get();
    }

    long deadLetters() {
        return deadLetters.get();
    }

    /**
     * How many of {@code keys} (prompt ids: prompts and rollouts are keyed by them) were
     * dead-lettered.
     */
    long deadLettered(Set<String> keys) {
        return deadLetterKeys.stream().filter(keys::contains).count();
    }

    /** The newest published version, 0 before the first checkpoint. */
    long latestVersion() {
        synchronized (checkpoints) {
            return checkpoints.isEmpty() ? 0 : checkpoints.lastKey();
        }
    }

    CheckpointEvent latestCheckpoint() {
        synchronized (checkpoints) {
            return checkpoints.isEmpty() ? null : checkpoints.lastEntry().getValue();
        }
    }

    List<EvalReport> reports() {
        synchronized (reports) {
            return List.copyOf(reports.values());
        }
    }

    /** Fails the demo rather than showing stale numbers when the watcher itself broke. */
    void check() {
        if (failure != null) {
            throw new IllegalStateException(
                    "reading the run's topics failed: " + failure.getMessage(), failure);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
        consumer.close(Duration.ofSeconds(5));
    }
}
