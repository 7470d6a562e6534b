package dev.distill.platform.kafka;

import dev.distill.schemas.Topics;
import dev.distill.schemas.avro.CheckpointEvent;
import dev.distill.schemas.avro.DeadLetter;
import dev.distill.schemas.avro.EvalReport;
import dev.distill.schemas.avro.Prompt;
import dev.distill.schemas.avro.Rollout;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.RandomData;

/**
 * Registers the platform's value schemas under their topics' subjects ({@code <topic>-value}), as
 * an authenticated registrar, before services that may not register run. It registers through the
 * services' own serializer settings ({@link WireFormat#serdeConfig}), so the registered content is
 * exactly what their serializers look up (by canonical hash) and what other clients read.
 */
public final class SchemaRegistration {
    /** Each platform topic with the record type written to it. */
    public static final Map<String, Schema> VALUE_SCHEMAS = valueSchemas();

    private SchemaRegistration() {}

    /**
     * The registration Job of the prod overlay (k8s/overlays/prod/register-schemas.yaml), run from
     * a service image's class path: {@code DISTILL_REGISTRY_URL}, {@code DISTILL_REGISTRAR_USER}
     * and {@code DISTILL_REGISTRAR_PASSWORD_FILE} (a mounted Secret). Exit 0 once all five are
     * registered; anything else fails the Job's pod, which Kubernetes retries.
     */
    public static void main(String[] args) throws java.io.IOException {
        String url = requiredEnv("DISTILL_REGISTRY_URL");
        String user = requiredEnv("DISTILL_REGISTRAR_USER");
        String password =
                java.nio.file.Files.readString(
                                java.nio.file.Path.of(
                                        requiredEnv("DISTILL_REGISTRAR_PASSWORD_FILE")))
                        .strip();
        for (String subject : registerAll(url, user, password)) {
            System.out.println("registered " + subject);
        }
    }

    private static String requiredEnv(String name) {
        String v = System.getenv(name);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException(name + " is not set");
        }
        return v;
    }

    private static Map<String, Schema> valueSchemas() {
        Map<String, Schema> m = new LinkedHashMap<>();
        m.put(Topics.PROMPTS, Prompt.getClassSchema());
        m.put(Topics.ROLLOUTS, Rollout.getClassSchema());
        m.put(Topics.CHECKPOINTS, CheckpointEvent.getClassSchema());
        m.put(Topics.EVALUATIONS, EvalReport.getClassSchema());
        m.put(Topics.DEAD_LETTERS, DeadLetter.getClassSchema());
        return Map.copyOf(m);
    }

    /**
     * Registers (or finds) every value schema; idempotent.
     *
     * @param user and {@code password}: the registry's HTTP basic credentials, or null when it
     *     takes anonymous writes
     * @return the subjects registered or found, in topic order
     * @throws RuntimeException from the registry, e.g. 401 for missing or wrong credentials
     */
    public static List<String> registerAll(String registryUrl, String user, String password) {
        Map<String, Object> config = new HashMap<>(WireFormat.serdeConfig(registryUrl));
        config.put(WireFormat.AUTO_REGISTER, "true");
        if (user != null) {
            config.put("apicurio.registry.auth.username", user);
            config.put("apicurio.registry.auth.password", password);
        }
        List<String> subjects = new ArrayList<>();
        try (AvroKafkaSerializer<Object> serializer = new AvroKafkaSerializer<>()) {
            serializer.configure(config, false);
            for (String topic : Topics.ALL) {
                // Any record of the type will do: registration is a side effect of serializing it,
                // and its content is the schema's, not the record's.
                Object sample = new RandomData(VALUE_SCHEMAS.get(topic), 1, 7L).iterator().next();
                serializer.serialize(topic, (GenericRecord) sample);
                subjects.add(topic + "-value");
            }
        }
        return subjects;
    }
}
