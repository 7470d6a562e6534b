package dev.distill.platform.loop;

import dev.distill.schemas.avro.DeadLetter;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Commits a step's unit of work: its output records and the input offsets they were made from, in
 * one Kafka transaction. Read-committed consumers downstream see all of it or nothing, and a crash
 * before the commit leaves the offsets where they were, so the work is redone, never lost and never
 * published twice.
 */
public final class Transactions {
    private final KafkaProducer<String, Object> producer;
    private final KafkaConsumer<String, byte[]> consumer;
    private final LoopStats stats;

    Transactions(
            KafkaProducer<String, Object> producer,
            KafkaConsumer<String, byte[]> consumer,
            LoopStats stats) {
        this.producer = producer;
        this.consumer = consumer;
        this.stats = stats;
    }

    /** One record to publish inside the transaction. */
    public record Output(String topic, String key, Object value) {}

    /**
     * Publishes {@code outputs} and commits {@code offsets} atomically; on any failure the
     * transaction aborts.
     */
    public void commit(List<Output> outputs, Map<TopicPartition, OffsetAndMetadata> offsets) {
        producer.beginTransaction();
        try {
            for (Output o : outputs) {
                producer.send(new ProducerRecord<>(o.topic(), o.key(), o.value()));
            }
            producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
            producer.commitTransaction();
        } catch (RuntimeException e) {
            try {
                producer.abortTransaction();
            } catch (RuntimeException abortFailure) {
                // A fenced or broken producer cannot abort either; the cause of the failure is the
                // first exception, and the session ends with it (the broker aborts on its side).
                e.addSuppressed(abortFailure);
            }
            throw e;
        }
        stats.transactions.incrementAndGet();
        stats.deadLettered.addAndGet(
                outputs.stream().filter(o -> o.value() instanceof DeadLetter).count());
    }

    /**
     * The offsets that commit past every record given: per partition, one after the highest offset.
     */
    public static Map<TopicPartition, OffsetAndMetadata> after(
            Collection<? extends ConsumerRecord<?, ?>> records, String metadata) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<?, ?> r : records) {
            offsets.merge(
                    new TopicPartition(r.topic(), r.partition()),
                    new OffsetAndMetadata(r.offset() + 1, metadata),
                    (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        return offsets;
    }
}
