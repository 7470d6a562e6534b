package dev.distill.platform.loop;

import dev.distill.platform.kafka.ClientConfigs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * The one consume-process-produce loop of every service: a bytes consumer (read_committed, no
 * auto-commit), a transactional producer, and a {@link Step} that turns polled records into outputs
 * committed with their offsets through {@link Transactions}. It runs on its own thread until
 * stopped, until the step is finished, or until something throws, which marks it FAILED with the
 * reason (health reports it).
 */
public final class ServiceLoop implements Runnable {
    private static final Logger LOG = Logger.getLogger(ServiceLoop.class);

    private final LoopSettings settings;
    private final Step step;
    private final LoopStats stats;
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    public ServiceLoop(LoopSettings settings, Step step, LoopStats stats) {
        this.settings = settings;
        this.step = step;
        this.stats = stats;
    }

    /** Starts the loop on a thread of its own, named after the service. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException(settings.service() + " loop already started");
        }
        thread = new Thread(this, settings.service() + "-loop");
        thread.start();
    }

    /**
     * Asks the loop to stop after the current poll or unit of work (uncommitted work is redone
     * later).
     */
    public void stop() {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    /** {@link #stop()}, then waits up to {@code timeout} for the thread to end. */
    public void stopAndWait(Duration timeout) throws InterruptedException {
        stop();
        awaitEnd(timeout);
    }

    /**
     * Waits up to {@code timeout} for the loop's thread to end; true if it has (or never started).
     */
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            t.join(timeout.toMillis());
        }
        return t == null || !t.isAlive();
    }

    public LoopStats stats() {
        return stats;
    }

    @Override
    public void run() {
        try (KafkaConsumer<String, byte[]> c =
                        new KafkaConsumer<>(
                                ClientConfigs.bytesConsumer(
                                        settings.bootstrapServers(),
                                        settings.groupId(),
                                        settings.maxPollRecords(),
                                        (int) settings.maxPollInterval().toMillis()));
                KafkaProducer<String, Object> producer =
                        new KafkaProducer<>(
                                ClientConfigs.transactionalProducer(
                                        settings.bootstrapServers(),
                                        settings.registryUrl(),
                                        settings.transactionalId()));
                Step s = step) {
            consumer = c;
            producer.initTransactions();
            s.open(attach(c));
            Transactions tx = new Transactions(producer, c, stats);
            stats.state.set(LoopState.RUNNING);
            while (running && !s.finished()) {
                s.beforePoll();
                ConsumerRecords<String, byte[]> records;
                try {
                    records = c.poll(settings.pollTimeout());
                } catch (WakeupException e) {
                    break;
                }
                if (!records.isEmpty()) {
                    List<ConsumerRecord<String, byte[]>> polled = new ArrayList<>(records.count());
                    records.forEach(polled::add);
                    stats.consumed.addAndGet(polled.size());
                    s.process(polled, tx);
                }
                stats.lag.set(
                        c.assignment().stream().mapToLong(tp -> c.currentLag(tp).orElse(0)).sum()
                                + s.held());
            }
            stats.state.set(LoopState.STOPPED);
        } catch (WakeupException | InterruptedException e) {
            stats.state.set(LoopState.STOPPED);
        } catch (Exception | Error e) {
            stats.failed(e);
            LOG.errorf(e, "%s loop failed; %s", settings.service(), step.onFailure());
        }
    }

    /** Subscribes or assigns the input; for an assigned input, the group's committed offsets. */
    private Map<TopicPartition, OffsetAndMetadata> attach(KafkaConsumer<String, byte[]> c) {
        if (settings.input() == LoopSettings.Input.GROUP) {
            c.subscribe(List.of(settings.inputTopic()));
            return Map.of();
        }
        List<TopicPartition> partitions =
                c.partitionsFor(settings.inputTopic()).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition()))
                        .toList();
        c.assign(partitions);
        return new HashMap<>(c.committed(new HashSet<>(partitions)));
    }
}
