package dev.distill.platform.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class TransactionsTest {
    static ConsumerRecord<String, byte[]> at(int partition, long offset) {
        return new ConsumerRecord<>("t", partition, offset, "k", new byte[0]);
    }

    @Test
    void commitsPastTheHighestOffsetOfEachPartition() {
        Map<TopicPartition, OffsetAndMetadata> offsets =
                Transactions.after(List.of(at(0, 7), at(1, 3), at(0, 5), at(1, 4)), "v=2");
        assertEquals(
                Map.of(
                        new TopicPartition("t", 0),
                        new OffsetAndMetadata(8, "v=2"),
                        new TopicPartition("t", 1),
                        new OffsetAndMetadata(5, "v=2")),
                offsets);
    }
}
