package dev.distill.platform.loop;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A service's domain step inside the shared {@link ServiceLoop}: everything the service does
 * between polling its input and committing what it made from it. All methods run on the loop's
 * thread.
 */
public interface Step extends AutoCloseable {

    /**
     * Loads what the step needs (models, data) once the clients exist and the input is assigned.
     *
     * @param committed for {@link LoopSettings.Input#ALL_PARTITIONS}, the group's committed offsets
     *     (with their metadata) per partition, null where none; empty for a subscribed input
     */
    void open(Map<TopicPartition, OffsetAndMetadata> committed) throws Exception;

    /** Between two polls, e.g. to switch to a newer model. */
    default void beforePoll() {}

    /**
     * Handles the records of one poll, in poll order. The step commits through {@code tx} whenever
     * a unit of work is done (each commit is one Kafka transaction with the offsets consumed);
     * records it has not committed yet it keeps itself and reports through {@link #held()}.
     */
    void process(List<ConsumerRecord<String, byte[]>> records, Transactions tx) throws Exception;

    /** Records consumed but not yet committed past, counted as lag. */
    default long held() {
        return 0;
    }

    /** True when the step has done all it was asked (e.g. a round limit): the loop then stops. */
    default boolean finished() {
        return false;
    }

    /** What a failure leaves behind, for the log line that reports it. */
    default String onFailure() {
        return "uncommitted work is redone after a restart";
    }

    @Override
    default void close() throws Exception {}
}
