package dev.distill.platform.kafka;

import com.microsoft.kiota.ApiException;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import java.nio.ByteBuffer;
import java.util.HashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decodes one raw record of a platform topic into its Avro class. The services consume bytes and
 * decode each record here, so one undecodable record is one dead letter and never stalls a
 * partition.
 */
public final class AvroDecoder<T> implements AutoCloseable {
    private final AvroKafkaDeserializer<Object> serde = new AvroKafkaDeserializer<>();
    private final Class<T> type;

    public AvroDecoder(String registryUrl, Class<T> type) {
        this.type = type;
        serde.configure(new HashMap<>(WireFormat.serdeConfig(registryUrl)), false);
    }

    /**
     * @throws UndecodableRecordException when the bytes are not a record of a registered schema
     */
    public T decode(ConsumerRecord<String, byte[]> r) {
        Object value;
        try {
            WireFormat.requireFramed(r.value());
            value = serde.deserialize(r.topic(), r.headers(), r.value());
        } catch (RuntimeException e) {
            // The serde wraps registry and Avro errors in assorted runtime exceptions. An
            // unreachable registry says nothing about the record: the session fails and retries it
            // later. Anything else means "cannot decode".
            TransientFailureException.rethrowIfTransient(e);
            throw new UndecodableRecordException(Sources.of(r) + ": " + describe(r, e), e);
        }
        if (!type.isInstance(value)) {
            // The schema id names another record type (a crafted record, or a registry that lost
            // its state and handed the id out again): never read it as ours.
            throw new UndecodableRecordException(
                    Sources.of(r)
                            + ": its schema id resolves to "
                            + (value == null ? "nothing" : value.getClass().getName())
                            + ", not "
                            + type.getName(),
                    null);
        }
        return type.cast(value);
    }

    /**
     * The registry client's errors print as their class name: say what the registry answered for
     * which schema id instead.
     */
    private static String describe(ConsumerRecord<String, byte[]> r, RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ApiException api) {
                return "the registry answered HTTP "
                        + api.getResponseStatusCode()
                        + " for schema id "
                        + ByteBuffer.wrap(r.value(), 1, 4).getInt()
                        + (api.getResponseStatusCode() == 404 ? " (no such schema)" : "");
            }
        }
        return e.getMessage();
    }

    @Override
    public void close() {
        serde.close();
    }
}
