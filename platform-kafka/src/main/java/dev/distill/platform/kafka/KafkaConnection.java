package dev.distill.platform.kafka;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where the Kafka cluster is and how this client proves who it is: the bootstrap servers and the
 * standard client security settings (SASL/SCRAM credentials, TLS trust and key stores). Every
 * client a service opens gets both, so a secured broker sees the service's own principal on each
 * connection, and no client falls back to an unauthenticated one.
 */
public record KafkaConnection(String bootstrapServers, Map<String, String> security) {

    /** The client settings a service passes through, read as {@code kafka.<key>}. */
    public static final List<String> SECURITY_KEYS =
            List.of(
                    "security.protocol",
                    "sasl.mechanism",
                    "sasl.jaas.config",
                    "ssl.truststore.location",
                    "ssl.truststore.password",
                    "ssl.truststore.type",
                    "ssl.keystore.location",
                    "ssl.keystore.password",
                    "ssl.keystore.type",
                    "ssl.key.password",
                    "ssl.endpoint.identification.algorithm");

    private static final String NO_DEFAULT_WHEN_EMPTY = "ssl.endpoint.identification.algorithm";

    public KafkaConnection {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        security = Map.copyOf(security);
        for (String key : security.keySet()) {
            if (!SECURITY_KEYS.contains(key)) {
                throw new IllegalArgumentException(
                        "'"
                                + key
                                + "' is not a Kafka client security setting; known: "
                                + SECURITY_KEYS);
            }
        }
        String protocol = security.getOrDefault("security.protocol", "PLAINTEXT");
        if (protocol.startsWith("SASL") && !security.containsKey("sasl.jaas.config")) {
            throw new IllegalArgumentException(
                    "security.protocol " + protocol + " needs sasl.jaas.config (the credentials)");
        }
    }

    /** An unauthenticated connection, as to the default local stack. */
    public static KafkaConnection plaintext(String bootstrapServers) {
        return new KafkaConnection(bootstrapServers, Map.of());
    }

    /**
     * The connection a service is configured with: {@code kafka.bootstrap.servers} and each of
     * {@link #SECURITY_KEYS} as {@code kafka.<key>} (or its environment variable, e.g.
     * KAFKA_SASL_JAAS_CONFIG) when set.
     */
    public static KafkaConnection fromConfig(
            String bootstrapServers, Function<String, Optional<String>> lookup) {
        Map<String, String> security = new LinkedHashMap<>();
        for (String key : SECURITY_KEYS) {
            lookup.apply("kafka." + key)
                    // blank = unset, except where empty is the value: no host name verification
                    .filter(v -> !v.isBlank() || key.equals(NO_DEFAULT_WHEN_EMPTY))
                    .ifPresent(v -> security.put(key, v.strip()));
        }
        return new KafkaConnection(bootstrapServers, security);
    }

    /** The settings to add to a client's properties. */
    public Map<String, Object> clientProperties() {
        Map<String, Object> p = new LinkedHashMap<>(security);
        p.put("bootstrap.servers", bootstrapServers);
        return p;
    }

    /** Never the secrets: for logs and readiness data. */
    @Override
    public String toString() {
        return bootstrapServers
                + " ("
                + security.getOrDefault("security.protocol", "PLAINTEXT")
                + Optional.ofNullable(security.get("sasl.mechanism")).map(m -> " " + m).orElse("")
                + ")";
    }
}
