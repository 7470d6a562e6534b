package dev.distill.platform.loop;

import dev.distill.platform.kafka.ClientConfigs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
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
 * stopped or until the step is finished.
 *
 * <p>When a session throws (a broker outage past the transaction timeout, a registry that is down,
 * a bug), nothing of the unfinished work was committed, so the loop starts over: after a back-off
 * it builds new clients and a fresh step, which resumes from the committed offsets. Only after
 * {@link LoopSettings.Restart#maxConsecutiveFailures()} sessions in a row that failed without
 * committing anything, or on a JVM error, is the loop FAILED; health then reports it DOWN, liveness
 * included, so that an orchestrator restarts the process.
 */
public final class ServiceLoop implements Runnable {
    private static final Logger LOG = Logger.getLogger(ServiceLoop.class);

    private final LoopSettings settings;
    private final Supplier<Step> steps;
    private final LoopStats stats;
    private final Object pause = new Object();
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile String onFailure = "uncommitted work is redone after a restart";
    private Thread thread;

    /**
     * @param steps makes the step of each session: a restart starts from a fresh one, so nothing
     *     the failed session held in memory (a half-trained model, records not committed) carries
     *     over
     */
    public ServiceLoop(LoopSettings settings, Supplier<Step> steps, LoopStats stats) {
        this.settings = settings;
        this.steps = steps;
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
        synchronized (pause) {
            pause.notifyAll();
        }
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

    @Override
    public void run() {
        LoopSettings.Restart restart = settings.restart();
        Duration backoff = restart.firstBackoff();
        int failures = 0;
        while (running) {
            long committedBefore = stats.transactions.get();
            try {
                session();
                break;
            } catch (WakeupException | InterruptedException e) {
                break;
            } catch (Exception e) {
                if (stats.transactions.get() > committedBefore) {
                    failures = 0; // the failed session got work done: this is a new incident
                    backoff = restart.firstBackoff();
                }
                failures++;
                stats.failure.set(LoopStats.describe(e));
                if (failures >= restart.maxConsecutiveFailures()) {
                    stats.failed(e);
                    LOG.errorf(
                            e,
                            "%s loop failed %d times in a row without committing anything; giving"
                                    + " up: %s",
                            settings.service(),
                            failures,
                            onFailure);
                    return;
                }
                stats.state.set(LoopState.RECOVERING);
                stats.restarts.incrementAndGet();
                LOG.warnf(
                        e,
                        "%s loop session failed (%d of %d in a row); %s; restarting in %s",
                        settings.service(),
                        failures,
                        restart.maxConsecutiveFailures(),
                        onFailure,
                        backoff);
                if (!sleep(backoff)) {
                    break;
                }
                backoff =
                        backoff.multipliedBy(2).compareTo(restart.maxBackoff()) > 0
                                ? restart.maxBackoff()
                                : backoff.multipliedBy(2);
            } catch (Error e) {
                stats.failed(e);
                LOG.errorf(e, "%s loop stopped by a JVM error: %s", settings.service(), onFailure);
                return;
            }
        }
        stats.state.set(LoopState.STOPPED);
    }

    /**
     * One life of clients and step: returns when stopped or finished, throws when it cannot go on.
     */
    private void session() throws Exception {
        try (KafkaConsumer<String, byte[]> c =
                        new KafkaConsumer<>(
                                ClientConfigs.bytesConsumer(
                                        settings.kafka(),
                                        settings.groupId(),
                                        settings.maxPollRecords(),
                                        (int) settings.maxPollInterval().toMillis()));
                KafkaProducer<String, Object> producer =
                        new KafkaProducer<>(
                                ClientConfigs.transactionalProducer(
                                        settings.kafka(),
                                        settings.registryUrl(),
                                        settings.transactionalId(),
                                        settings.registerSchemas()));
                Step s = steps.get()) {
            consumer = c;
            onFailure = s.onFailure();
            if (!running) {
                return;
            }
            producer.initTransactions();
            s.open(attach(c));
            Transactions tx = new Transactions(producer, c, stats);
            stats.state.set(LoopState.RUNNING);
            while (running && !s.finished()) {
                s.beforePoll();
                ConsumerRecords<String, byte[]> records = c.poll(settings.pollTimeout());
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
        } finally {
            consumer = null;
        }
    }

    /** Waits out a back-off; false if the loop was stopped meanwhile. */
    private boolean sleep(Duration d) {
        long until = System.nanoTime() + d.toNanos();
        synchronized (pause) {
            while (running && System.nanoTime() < until) {
                try {
                    pause.wait(Math.max(1, (until - System.nanoTime()) / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return running;
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
