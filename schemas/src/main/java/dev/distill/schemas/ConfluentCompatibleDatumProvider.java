package dev.distill.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.apicurio.registry.serde.avro.DefaultAvroDatumProvider;
import org.apache.avro.Schema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Apicurio's default datum provider registers {@code SpecificRecord.getSchema()}, the generated class's schema.
 * With avro-maven-plugin {@code stringType=String} every string in it carries {@code "avro.java.string": "String"},
 * a Java-only property that Apicurio's canonical form keeps, so the Java serializer's schema never matches the
 * .avsc that Confluent's (or any other non-Java) client registers: same subject, two versions, two ids.
 * This provider registers and writes with the schema minus that property. The bytes are the same (the property
 * only tells Java readers which CharSequence class to build); Java readers use their own class's schema anyway.
 */
public class ConfluentCompatibleDatumProvider<T> extends DefaultAvroDatumProvider<T> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<Schema, Schema> PORTABLE = new ConcurrentHashMap<>();

    @Override
    public Schema toSchema(T data) {
        return PORTABLE.computeIfAbsent(super.toSchema(data), ConfluentCompatibleDatumProvider::portable);
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
