package dev.distill.platform.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KafkaConnectionTest {
    static final String JAAS =
            "org.apache.kafka.common.security.scram.ScramLoginModule required"
                    + " username=\"evaluator\" password=\"s3cret\";";

    @Test
    void passesTheConfiguredSecuritySettingsToEveryClientAndNothingElse() {
        Map<String, String> config =
                Map.of(
                        "kafka.security.protocol", "SASL_SSL",
                        "kafka.sasl.mechanism", "SCRAM-SHA-512",
                        "kafka.sasl.jaas.config", JAAS,
                        "kafka.ssl.truststore.type", "PEM",
                        "kafka.ssl.truststore.location", "/etc/kafka-ca/ca.crt",
                        "kafka.group.id", "not a security setting",
                        "kafka.ssl.keystore.location", " ");
        KafkaConnection c =
                KafkaConnection.fromConfig("broker:9093", k -> Optional.ofNullable(config.get(k)));
        Map<String, Object> p = c.clientProperties();
        assertEquals("broker:9093", p.get("bootstrap.servers"));
        assertEquals("SASL_SSL", p.get("security.protocol"));
        assertEquals(JAAS, p.get("sasl.jaas.config"));
        assertEquals("/etc/kafka-ca/ca.crt", p.get("ssl.truststore.location"));
        assertFalse(p.containsKey("group.id"));
        assertFalse(p.containsKey("ssl.keystore.location"), "blank means unset");
        assertEquals(6, p.size());
    }

    @Test
    void neverPrintsTheCredentials() {
        KafkaConnection c =
                new KafkaConnection(
                        "broker:9093",
                        Map.of(
                                "security.protocol",
                                "SASL_SSL",
                                "sasl.mechanism",
                                "SCRAM-SHA-512",
                                "sasl.jaas.config",
                                JAAS));
        assertEquals("broker:9093 (SASL_SSL SCRAM-SHA-512)", c.toString());
        assertFalse(c.toString().contains("s3cret"));
    }

    @Test
    void refusesSaslWithoutCredentialsAndUnknownKeys() {
        var e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                new KafkaConnection(
                                        "b:1", Map.of("security.protocol", "SASL_PLAINTEXT")));
        assertTrue(e.getMessage().contains("needs sasl.jaas.config"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> new KafkaConnection("b:1", Map.of("bootstrap.servers", "elsewhere:1")));
    }

    @Test
    void plaintextIsJustTheBootstrapServers() {
        assertEquals(
                Map.of("bootstrap.servers", "127.0.0.1:9092"),
                KafkaConnection.plaintext("127.0.0.1:9092").clientProperties());
    }

    @Test
    void anEmptyEndpointIdentificationTurnsHostNameVerificationOff() {
        Map<String, String> config =
                Map.of(
                        "kafka.ssl.endpoint.identification.algorithm", "",
                        "kafka.ssl.truststore.location", "");
        KafkaConnection c =
                KafkaConnection.fromConfig("b:1", k -> Optional.ofNullable(config.get(k)));
        assertEquals("", c.clientProperties().get("ssl.endpoint.identification.algorithm"));
        assertFalse(c.clientProperties().containsKey("ssl.truststore.location"));
    }
}
