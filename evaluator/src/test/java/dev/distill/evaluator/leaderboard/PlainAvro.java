package dev.distill.evaluator.leaderboard;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The Confluent wire format with a fixed schema id and no registry, for TopologyTestDriver tests
 * only; the real-broker test uses Apicurio's serdes against a real registry.
 */
final class PlainAvro {
    private PlainAvro() {}

    static <T extends SpecificRecordBase> Serializer<T> serializer() {
        return (topic, value) -> {
            try {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.write(new byte[] {0, 0, 0, 0, 1});
                BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
                new SpecificDatumWriter<T>(value.getSchema()).write(value, enc);
                enc.flush();
                return out.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    static <T extends SpecificRecordBase> Deserializer<T> deserializer(Class<T> type) {
        return (topic, bytes) -> {
            try {
                BinaryDecoder dec =
                        DecoderFactory.get()
                                .binaryDecoder(Arrays.copyOfRange(bytes, 5, bytes.length), null);
                return new SpecificDatumReader<>(type).read(null, dec);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    static <T extends SpecificRecordBase> Serde<T> serde(Class<T> type) {
        return Serdes.serdeFrom(PlainAvro.<T>serializer(), deserializer(type));
    }
}
