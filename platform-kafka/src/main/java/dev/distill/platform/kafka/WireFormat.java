package dev.distill.platform.kafka;

import java.util.Map;

/**
 * Serde settings shared by every producer and consumer of the platform's topics: Apicurio's Avro
 * serde writing the Confluent wire format (magic byte 0, 4-byte content id, Avro binary, no
 * headers), so that Confluent's own clients read and write the same bytes through the registry's
 * {@code /apis/ccompat/v7} API. Callers merge them into their Kafka client config.
 */
public final class WireFormat {
    /**
     * Whether a serializer registers a schema it does not find. Off where the registry takes writes
     * only from an authenticated registrar ({@code distill register-schemas}).
     */
    public static final String AUTO_REGISTER = "apicurio.registry.auto-register";

    public static final String SERIALIZER = "io.apicurio.registry.serde.avro.AvroKafkaSerializer";
    public static final String DESERIALIZER =
            "io.apicurio.registry.serde.avro.AvroKafkaDeserializer";

    private WireFormat() {}

    /**
     * Refuses a value that cannot be a Confluent-framed record before the serde sees it: the
     * serde's own errors for such bytes name neither the framing nor the bytes.
     */
    public static void requireFramed(byte[] value) {
        if (value == null) {
            throw new IllegalArgumentException("record has no value");
        }
        if (value.length < 5 || value[0] != 0) {
            throw new IllegalArgumentException(
                    "value is not in the Confluent wire format (magic byte 0, 4-byte "
                            + "schema id, Avro): "
                            + value.length
                            + " bytes starting with "
                            + (value.length == 0 ? "nothing" : String.format("0x%02x", value[0])));
        }
    }

    /**
     * @param registryUrl the registry's native API, e.g. http://host:8080/apis/registry/v3
     */
    public static Map<String, Object> serdeConfig(String registryUrl) {
        return Map.of(
                "apicurio.registry.url",
                registryUrl,
                // Confluent framing: the id travels in the payload, as a 4-byte int, and it is the
                // content id, which is what the ccompat API calls a schema id.
                "apicurio.registry.headers.enabled",
                "false",
                "apicurio.registry.id-handler",
                "io.apicurio.registry.serde.Default4ByteIdHandler",
                "apicurio.registry.use-id",
                "contentId",
                // Subject = <topic>-value (Confluent's TopicNameStrategy); producers register on
                // first use.
                AUTO_REGISTER,
                "true",
                "apicurio.registry.use-specific-avro-reader",
                "true",
                // Register nested named types (TokenScore, RolloutKind) inline, not as schema
                // references: Confluent's Python client 1.7 cannot resolve references and fails to
                // parse such a schema.
                "apicurio.registry.dereference-schema",
                "true",
                // Register the schema as other clients do (no Java-only "avro.java.string"
                // properties) ... (the class, not its name: under Quarkus' class loaders a name can
                // resolve in a loader where the class is not an AvroDatumProvider, and the serde
                // refuses it)
                "apicurio.registry.avro-datum-provider",
                ConfluentCompatibleDatumProvider.class,
                // ... and find an existing version by canonical hash, so a schema another client
                // registered first under the subject is reused (one version, one id) instead of
                // becoming a new version.
                "apicurio.registry.canonicalize",
                "true");
    }
}
