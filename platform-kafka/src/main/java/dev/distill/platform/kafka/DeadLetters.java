package dev.distill.platform.kafka;

import dev.distill.schemas.avro.DeadLetter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Builds the record that keeps a rejected input whole, with the reason, for distill.dead-letters.
 */
public final class DeadLetters {
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
        return DeadLetter.newBuilder()
                .setTopic(topic)
                .setPartition(partition)
                .setOffset(offset)
                .setKey(key == null ? null : ByteBuffer.wrap(key.getBytes(StandardCharsets.UTF_8)))
                .setPayload(payload == null ? null : ByteBuffer.wrap(payload))
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
            if (!s.isEmpty()) {
                s.append(" <- ");
            }
            s.append(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
            if (t.getCause() == t) {
                break;
            }
        }
        return s.toString();
    }
}
