package dev.distill.platform.loop;

import dev.distill.platform.kafka.KafkaConnection;
import java.time.Duration;
import java.util.Objects;

/**
 * How a service loop reads and writes Kafka.
 *
 * @param service names the service in dead letters, logs and the loop's thread
 * @param maxPollRecords the most records one poll hands to the step
 * @param maxPollInterval how long the step may take between polls before the group evicts the
 *     member
 * @param registerSchemas whether the loop's producer registers a schema the registry lacks (off
 *     where only an authenticated registrar may write schemas)
 */
public record LoopSettings(
        String service,
        KafkaConnection kafka,
        String registryUrl,
        String groupId,
        String transactionalId,
        String inputTopic,
        Input input,
        int maxPollRecords,
        Duration maxPollInterval,
        Duration pollTimeout,
        Restart restart,
        boolean registerSchemas) {

    /**
     * How a failed session is started over: back-off doubling from {@code firstBackoff} up to
     * {@code maxBackoff}; the loop gives up after {@code maxConsecutiveFailures} failed sessions in
     * a row that committed nothing.
     */
    public record Restart(int maxConsecutiveFailures, Duration firstBackoff, Duration maxBackoff) {
        /**
         * About a quarter of an hour of retries: longer than a broker restart or a rolling update.
         */
        public static final Restart DEFAULT =
                new Restart(10, Duration.ofSeconds(2), Duration.ofMinutes(2));

        public Restart {
            if (maxConsecutiveFailures < 1
                    || firstBackoff.isNegative()
                    || maxBackoff.compareTo(firstBackoff) < 0) {
                throw new IllegalArgumentException(
                        "restart needs >= 1 attempt and 0 <= first back-off <= max back-off");
            }
        }
    }

    /** Settings with the default restart policy. */
    public LoopSettings(
            String service,
            KafkaConnection kafka,
            String registryUrl,
            String groupId,
            String transactionalId,
            String inputTopic,
            Input input,
            int maxPollRecords,
            Duration maxPollInterval,
            Duration pollTimeout) {
        this(
                service,
                kafka,
                registryUrl,
                groupId,
                transactionalId,
                inputTopic,
                input,
                maxPollRecords,
                maxPollInterval,
                pollTimeout,
                Restart.DEFAULT,
                true);
    }

    /** The same settings with another restart policy. */
    public LoopSettings withRestart(Restart r) {
        return new LoopSettings(
                service,
                kafka,
                registryUrl,
                groupId,
                transactionalId,
                inputTopic,
                input,
                maxPollRecords,
                maxPollInterval,
                pollTimeout,
                r,
                registerSchemas);
    }

    /** The same settings, registering schemas or not. */
    public LoopSettings withSchemaRegistration(boolean registers) {
        return new LoopSettings(
                service,
                kafka,
                registryUrl,
                groupId,
                transactionalId,
                inputTopic,
                input,
                maxPollRecords,
                maxPollInterval,
                pollTimeout,
                restart,
                registers);
    }

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
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(registryUrl, "registryUrl");
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(transactionalId, "transactionalId");
        Objects.requireNonNull(inputTopic, "inputTopic");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(restart, "restart");
        if (maxPollRecords < 1) {
            throw new IllegalArgumentException(
                    "maxPollRecords must be >= 1, not " + maxPollRecords);
        }
    }
}
