package dev.distill.localstack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Reads a whole topic, for checking what a run wrote (tests, benchmarks). */
public final class TopicReader {
    private TopicReader() {}

    /**
     * Every record of every partition, from the beginning up to the end offsets at the time of the
     * call. The consumer config decides deserialisation and isolation; a group id is not needed
     * (and not used).
     *
     * @throws IllegalStateException if the end is not reached within {@code timeout}
     */
    public static <K, V> List<ConsumerRecord<K, V>> readToEnd(
            Map<String, Object> consumerConfig, String topic, Duration timeout) {
        List<ConsumerRecord<K, V>> out = new ArrayList<>();
        try (KafkaConsumer<K, V> c = new KafkaConsumer<>(consumerConfig)) {
            List<TopicPartition> tps =
                    c.partitionsFor(topic).stream()
                            .map(p -> new TopicPartition(topic, p.partition()))
                            .toList();
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "did not reach the end of "
                                    + topic
                                    + " within "
                                    + timeout
                                    + "; read "
                                    + out.size()
                                    + " records");
                }
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
