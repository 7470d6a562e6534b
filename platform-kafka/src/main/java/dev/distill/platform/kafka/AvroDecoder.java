package dev.distill.platform.kafka;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import java.util.HashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decodes one raw record of a platform topic into its Avro class. The services consume bytes and
 * decode each record here, so one undecodable record is one dead letter and never stalls a
 * partition.
 */
public final class AvroDecoder<T> implements AutoCloseable {
    private final AvroKafkaDeserializer<T> serde = new AvroKafkaDeserializer<>();

    public AvroDecoder(String registryUrl) {
        serde.configure(new HashMap<>(WireFormat.serdeConfig(registryUrl)), false);
    }

    /**
     * @throws UndecodableRecordException when the bytes are not a record of a registered schema
     */
    public T decode(ConsumerRecord<String, byte[]> r) {
        try {
            WireFormat.requireFramed(r.value());
            return serde.deserialize(r.topic(), r.headers(), r.value());
        } catch (RuntimeException e) {
            // The serde wraps registry and Avro errors in assorted runtime exceptions: all mean
            // "cannot decode".
            throw new UndecodableRecordException(Sources.of(r) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        serde.close();
    }
}
