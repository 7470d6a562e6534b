package dev.distill.platform.loop;

import java.time.Duration;
import java.util.Objects;

/**
 * How a service loop reads and writes Kafka.
 *
 * @param service names the service in dead letters, logs and the loop's thread
 * @param maxPollRecords the most records one poll hands to the step
 * @param maxPollInterval how long the step may take between polls before the group evicts the
 *     member
 */
public record LoopSettings(
        String service,
        String bootstrapServers,
        String registryUrl,
        String groupId,
        String transactionalId,
        String inputTopic,
        Input input,
        int maxPollRecords,
        Duration maxPollInterval,
        Duration pollTimeout) {

    /** How the input is read. */
    public enum Input {
        /** Subscribed as a member of the group: instances share the partitions. */
        GROUP,
        /**
         * Every partition assigned to this one instance, resuming from the group's committed
         * offsets.
         */
        ALL_PARTITIONS
    }

    public LoopSettings {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(registryUrl, "registryUrl");
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(transactionalId, "transactionalId");
        Objects.requireNonNull(inputTopic, "inputTopic");
        Objects.requireNonNull(input, "input");
        if (maxPollRecords < 1) {
            throw new IllegalArgumentException(
                    "maxPollRecords must be >= 1, not " + maxPollRecords);
        }
    }
}
