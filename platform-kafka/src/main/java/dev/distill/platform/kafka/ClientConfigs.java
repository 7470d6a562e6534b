package dev.distill.platform.kafka;

import java.util.HashMap;
import java.util.Map;

/**
 * The Kafka client settings every service uses, as plain maps (keys spelled out, so this module
 * needs no Kafka dependency). Exactly-once everywhere: transactional producers, read_committed
 * consumers that commit offsets only inside the producer's transaction.
 */
public final class ClientConfigs {
    private static final String STRING_SERIALIZER =
            "org.apache.kafka.common.serialization.StringSerializer";
    private static final String STRING_DESERIALIZER =
            "org.apache.kafka.common.serialization.StringDeserializer";
    private static final String BYTES_DESERIALIZER =
            "org.apache.kafka.common.serialization.ByteArrayDeserializer";

    private ClientConfigs() {}

    /**
     * String keys, Avro values in the Confluent wire format, idempotent and transactional; {@code
     * registerSchemas} false = only schemas already in the registry are used.
     */
    public static Map<String, Object> transactionalProducer(
            KafkaConnection kafka,
            String registryUrl,
            String transactionalId,
            boolean registerSchemas) {
        Map<String, Object> p = new HashMap<>(WireFormat.serdeConfig(registryUrl));
        p.put(WireFormat.AUTO_REGISTER, String.valueOf(registerSchemas));
        p.putAll(kafka.clientProperties());
        p.put("transactional.id", transactionalId);
        p.put("enable.idempotence", "true");
        p.put("acks", "all");
        p.put("key.serializer", STRING_SERIALIZER);
        p.put("value.serializer", WireFormat.SERIALIZER);
        return p;
    }

    /**
     * String keys, Avro values, idempotent but outside any transaction: for what a service reports
     * about records it reads without a consumer group (a dead letter from a follower thread).
     */
    public static Map<String, Object> producer(
            KafkaConnection kafka, String registryUrl, boolean registerSchemas) {
        Map<String, Object> p = transactionalProducer(kafka, registryUrl, null, registerSchemas);
        p.remove("transactional.id");
        return p;
    }

    /**
     * Values stay bytes: each record is decoded on its own, so one poison record cannot stall a
     * partition and can be dead-lettered whole. {@code groupId} null = no group (assign and seek).
     */
    public static Map<String, Object> bytesConsumer(
            KafkaConnection kafka, String groupId, int maxPollRecords, int maxPollIntervalMs) {
        Map<String, Object> p = committedReader(kafka);
        if (groupId != null) {
            p.put("group.id", groupId);
        }
        p.put("auto.offset.reset", "earliest");
        p.put("max.poll.records", maxPollRecords);
        p.put("max.poll.interval.ms", maxPollIntervalMs);
        p.put("value.deserializer", BYTES_DESERIALIZER);
        return p;
    }

    /**
     * Decoded Avro values (specific classes), for reading whole topics such as distill.checkpoints.
     */
    public static Map<String, Object> avroConsumer(KafkaConnection kafka, String registryUrl) {
        Map<String, Object> p = committedReader(kafka);
        p.putAll(WireFormat.serdeConfig(registryUrl));
        p.put("value.deserializer", WireFormat.DESERIALIZER);
        return p;
    }

    private static Map<String, Object> committedReader(KafkaConnection kafka) {
        Map<String, Object> p = new HashMap<>(kafka.clientProperties());
        p.put("enable.auto.commit", "false");
        p.put("isolation.level", "read_committed");
        p.put("key.deserializer", STRING_DESERIALIZER);
        return p;
    }

    // The same for an unauthenticated cluster (the default local stack, tests, the CLI's tools).

    public static Map<String, Object> transactionalProducer(
            String bootstrap, String registryUrl, String transactionalId) {
        return transactionalProducer(
                KafkaConnection.plaintext(bootstrap), registryUrl, transactionalId, true);
    }

    public static Map<String, Object> producer(String bootstrap, String registryUrl) {
        return producer(KafkaConnection.plaintext(bootstrap), registryUrl, true);
    }

    public static Map<String, Object> bytesConsumer(
            String bootstrap, String groupId, int maxPollRecords, int maxPollIntervalMs) {
        return bytesConsumer(
                KafkaConnection.plaintext(bootstrap), groupId, maxPollRecords, maxPollIntervalMs);
    }

    public static Map<String, Object> avroConsumer(String bootstrap, String registryUrl) {
        return avroConsumer(KafkaConnection.plaintext(bootstrap), registryUrl);
    }
}
