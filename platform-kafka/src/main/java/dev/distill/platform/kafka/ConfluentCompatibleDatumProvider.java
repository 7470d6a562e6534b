package dev.distill.platform.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.apicurio.registry.serde.avro.AvroSerdeConfig;
import io.apicurio.registry.serde.avro.DefaultAvroDatumProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.DatumReader;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * Apicurio's default datum provider registers {@code SpecificRecord.getSchema()}, the generated
 * class's schema. With avro-maven-plugin {@code stringType=String} every string in it carries
 * {@code "avro.java.string": "String"}, a Java-only property that Apicurio's canonical form keeps,
 * so the Java serializer's schema never matches the .avsc that Confluent's (or any other non-Java)
 * client registers: same subject, two versions, two ids. This provider registers and writes with
 * the schema minus that property. The bytes are the same (the property only tells Java readers
 * which CharSequence class to build); Java readers use their own class's schema anyway.
 *
 * <p>It also reads into the generated classes through this module's own class loader. Apicurio's
 * default looks them up with {@code SpecificData.get()}, whose loader is Avro's: where Avro sits in
 * a parent loader (Quarkus tests, Kafka Streams threads) it cannot see the generated classes and
 * every record fails to decode.
 */
public class ConfluentCompatibleDatumProvider<T> extends DefaultAvroDatumProvider<T> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<Schema, Schema> PORTABLE = new ConcurrentHashMap<>();
    private static final SpecificData GENERATED =
            new SpecificData(ConfluentCompatibleDatumProvider.class.getClassLoader());
    private final Map<Schema, DatumReader<T>> readers = new ConcurrentHashMap<>();
    private boolean specific = AvroSerdeConfig.USE_SPECIFIC_AVRO_READER_DEFAULT;

    @Override
    public void configure(AvroSerdeConfig config) {
        super.configure(config);
        specific = config.useSpecificAvroReader();
    }

    @Override
    public DatumReader<T> createDatumReader(Schema writer) {
        if (!specific) {
            return super.createDatumReader(writer);
        }
        return readers.computeIfAbsent(
                writer,
                w -> {
                    Class<?> generated = GENERATED.getClass(w);
                    if (generated == null) {
                        // Not one of ours: the schema's own record type, as Apicurio would read it.
                        return super.createDatumReader(w);
                    }
                    Schema reader = GENERATED.getSchema(generated);
                    return new SpecificDatumReader<>(w, reader, GENERATED);
                });
    }

    @Override
    public Schema toSchema(T data) {
        return PORTABLE.computeIfAbsent(
                super.toSchema(data), ConfluentCompatibleDatumProvider::portable);
    }

    /** The schema without Java-only properties ({@code avro.java.string}), re-parsed. */
    public static Schema portable(Schema schema) {
        try {
            JsonNode tree = JSON.readTree(schema.toString());
            strip(tree);
            return new Schema.Parser().parse(JSON.writeValueAsString(tree));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void strip(JsonNode node) {
        if (node instanceof ObjectNode o) {
            o.remove("avro.java.string");
        }
        node.forEach(ConfluentCompatibleDatumProvider::strip);
    }
}
