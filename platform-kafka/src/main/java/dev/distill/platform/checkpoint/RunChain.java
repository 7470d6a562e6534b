package dev.distill.platform.checkpoint;

import dev.distill.platform.kafka.AvroDecoder;
import dev.distill.platform.kafka.ClientConfigs;
import dev.distill.platform.kafka.KafkaConnection;
import dev.distill.platform.kafka.UndecodableRecordException;
import dev.distill.schemas.avro.CheckpointEvent;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * A run's published chain of checkpoints: v1 with parent 0, then each version with the version
 * before it as parent, each version once, in the order they were written to distill.checkpoints.
 * Readers accept a checkpoint event only if it is the record that put its version on the chain. A
 * forged event with a huge version, a parent never published, or a second event for a published
 * version would otherwise pin the producer to it or top the leaderboard.
 *
 * <p>What the chain cannot tell apart is a forged event that comes first with the next version:
 * only the broker's ACLs (only the trainer may write distill.checkpoints) exclude that.
 */
public final class RunChain {
    private final String runId;

    /** Each published version: where its record is, and its event. */
    private record Link(String at, CheckpointEvent event) {}

    private final Map<Long, Link> published = new HashMap<>();

    public RunChain(String runId) {
        this.runId = runId;
    }

    /**
     * The chain of {@code runId} as far as {@code topic} holds it now (other runs' and undecodable
     * records are passed over), so that a reader starting in the middle of the topic knows which
     * events before its position were the trainer's.
     *
     * @throws RuntimeException from the decoder when the registry cannot be reached (transient)
     */
    public static RunChain readPublished(
            KafkaConnection kafka,
            String topic,
            AvroDecoder<CheckpointEvent> decoder,
            String runId,
            Duration timeout) {
        RunChain chain = new RunChain(runId);
        try (KafkaConsumer<String, byte[]> c =
                new KafkaConsumer<>(ClientConfigs.bytesConsumer(kafka, null, 500, 300_000))) {
            List<TopicPartition> tps =
                    c.partitionsFor(topic, timeout).stream()
                            .map(p -> new TopicPartition(p.topic(), p.partition()))
                            .toList();
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new org.apache.kafka.common.errors.TimeoutException(
                            "reading the published checkpoints of run "
                                    + runId
                                    + " from "
                                    + topic
                                    + " took longer than "
                                    + timeout);
                }
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    try {
                        CheckpointEvent e = decoder.decode(r);
                        if (e.getRunId().equals(runId)) {
                            chain.accepts(r, e);
                        }
                    } catch (UndecodableRecordException ignored) {
                        // not the trainer's: it writes only what it can encode
                    }
                }
            }
        }
        return chain;
    }

    /**
     * Whether {@code e}, read from {@code r}, is on the run's chain: the record that published its
     * version, or the next version after the newest (which it then adds).
     */
    public boolean accepts(ConsumerRecord<?, ?> r, CheckpointEvent e) {
        if (!e.getRunId().equals(runId)) {
            return false;
        }
        String at = r.topic() + "-" + r.partition() + "@" + r.offset();
        Link known = published.get(e.getVersion());
        if (known != null) {
            return known.at().equals(at);
        }
        Long parent = e.getParentVersion();
        if (parent == null
                || e.getVersion() != parent + 1
                || (parent != 0 && !published.containsKey(parent))) {
            return false;
        }
        published.put(e.getVersion(), new Link(at, e));
        return true;
    }

    /** The published events by version. */
    public Map<Long, CheckpointEvent> events() {
        Map<Long, CheckpointEvent> out = new HashMap<>();
        published.forEach((v, link) -> out.put(v, link.event()));
        return out;
    }

    /** The newest version on the chain, 0 before v1. */
    public long newest() {
        return published.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
    }

    /** Why {@code e} is not accepted, for its dead letter. */
    public String refusal(CheckpointEvent e) {
        return "checkpoint event v"
                + e.getVersion()
                + " of run "
                + runId
                + " is not on the run's published chain: "
                + (published.containsKey(e.getVersion())
                        ? "v" + e.getVersion() + " was already published by another record"
                        : "its parent v"
                                + e.getParentVersion()
                                + " is not the version before it on the chain (at v"
                                + newest()
                                + ")");
    }
}
