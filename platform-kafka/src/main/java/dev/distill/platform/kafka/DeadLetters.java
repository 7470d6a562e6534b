package dev.distill.platform.kafka;

import dev.distill.schemas.avro.DeadLetter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Builds the record that keeps a rejected input, with the reason, for distill.dead-letters. A dead
 * letter always fits a Kafka record (the broker's default limit is 1 MiB): a payload over {@link
 * #MAX_PAYLOAD_BYTES} keeps its first bytes and records its size, and the key and the error text
 * are bounded too, so rejecting a record can never fail for the record's size.
 */
public final class DeadLetters {
    public static final int MAX_PAYLOAD_BYTES = 256 * 1024;
    static final int MAX_KEY_BYTES = 1024;
    static final int MAX_ERROR_CHARS = 4000;

    private DeadLetters() {}

    /** The rejected record as it was consumed. */
    public static DeadLetter of(ConsumerRecord<String, byte[]> r, Throwable error, String service) {
        return of(r.topic(), r.partition(), r.offset(), r.key(), r.value(), error, service);
    }

    public static DeadLetter of(
            String topic,
            int partition,
            long offset,
            String key,
            byte[] payload,
            Throwable error,
            String service) {
        byte[] keyBytes = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
        boolean truncated = payload != null && payload.length > MAX_PAYLOAD_BYTES;
        return DeadLetter.newBuilder()
                .setTopic(topic)
                .setPartition(partition)
                .setOffset(offset)
                .setKey(
                        keyBytes == null
                                ? null
                                : ByteBuffer.wrap(
                                        keyBytes, 0, Math.min(keyBytes.length, MAX_KEY_BYTES)))
                .setPayload(
                        payload == null
                                ? null
                                : ByteBuffer.wrap(
                                        payload, 0, Math.min(payload.length, MAX_PAYLOAD_BYTES)))
                .setPayloadSize(truncated ? (long) payload.length : null)
                .setError(describe(error))
                .setErrorClass(error.getClass().getName())
                .setService(service)
                .setFailedAt(Instant.now())
                .build();
    }

    /** The message chain, so a wrapped deserialisation error still says what was wrong. */
    static String describe(Throwable error) {
        StringBuilder s = new StringBuilder();
        for (Throwable t = error; t != null && s.length() < 2000; t = t.getCause()) {
            String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (s.indexOf(message) >= 0) {
                continue; // a wrapper that repeats its cause's message says nothing new
            }
            if (!s.isEmpty()) {
                s.append(" <- ");
            }
            s.append(message);
            if (t.getCause() == t) {
                break;
            }
        }
        return s.length() <= MAX_ERROR_CHARS
                ? s.toString()
                : s.substring(0, MAX_ERROR_CHARS) + "... (" + s.length() + " characters)";
    }
}
