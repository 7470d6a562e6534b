package dev.distill.platform.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distill.localstack.LocalStack;
import dev.distill.localstack.TopicReader;
import dev.distill.schemas.Topics;
import dev.distill.schemas.avro.Prompt;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A registry that takes writes only from a registrar: services that do not register write with the
 * schemas the registrar put there, and nothing else can register one.
 */
@Tag("integration")
class SchemaRegistrationKafkaTest {

    static Prompt prompt() {
        return Prompt.newBuilder()
                .setId("p1")
                .setRunId("run")
                .setInstruction("count")
                .setContext(null)
                .setReferences(List.of("1 2"))
                .setSource("test")
                .setCreatedAt(Instant.now())
                .build();
    }

    static String versions(LocalStack stack, String subject) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                stack.confluentUrl()
                                                        + "/subjects/"
                                                        + subject
                                                        + "/versions"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    @Test
    void servicesThatDoNotRegisterUseTheSchemasTheRegistrarRegistered() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "schema-reg-" + System.nanoTime()));
        try (LocalStack stack =
                LocalStack.start(
                        LocalStack.Options.defaults()
                                .workDir(work)
                                .registryAuth("registrar", "registrar-secret-1"))) {
            try (Admin admin = Admin.create(stack.adminClientProperties())) {
                admin.createTopics(List.of(new NewTopic(Topics.PROMPTS, 1, (short) 1))).all().get();
            }
            KafkaConnection kafka = KafkaConnection.plaintext(stack.bootstrapServers());
            // Before registration a non-registering producer cannot write: nothing to look up.
            try (KafkaProducer<String, Object> p =
                    new KafkaProducer<>(
                            ClientConfigs.producer(kafka, stack.registryUrl(), false))) {
                assertThrows(
                        RuntimeException.class,
                        () ->
                                p.send(new ProducerRecord<>(Topics.PROMPTS, "p1", prompt()))
                                        .get(30, TimeUnit.SECONDS));
            }
            // Nobody else can register: neither anonymously nor with a wrong password.
            assertThrows(
                    RuntimeException.class,
                    () -> SchemaRegistration.registerAll(stack.registryUrl(), null, null));
            assertThrows(
                    RuntimeException.class,
                    () -> SchemaRegistration.registerAll(stack.registryUrl(), "registrar", "x"));

            List<String> subjects =
                    SchemaRegistration.registerAll(
                            stack.registryUrl(), "registrar", "registrar-secret-1");
            assertEquals(5, subjects.size());
            assertEquals(
                    subjects,
                    SchemaRegistration.registerAll(
                            stack.registryUrl(), "registrar", "registrar-secret-1"),
                    "registering again is a no-op");
            assertEquals("[1]", versions(stack, "distill.prompts-value"), "one version");

            try (KafkaProducer<String, Object> p =
                    new KafkaProducer<>(
                            ClientConfigs.producer(kafka, stack.registryUrl(), false))) {
                p.send(new ProducerRecord<>(Topics.PROMPTS, "p1", prompt()))
                        .get(30, TimeUnit.SECONDS);
            }
            List<Prompt> read =
                    TopicReader.<String, Prompt>readToEnd(
                                    ClientConfigs.avroConsumer(kafka, stack.registryUrl()),
                                    Topics.PROMPTS,
                                    Duration.ofSeconds(30))
                            .stream()
                            .map(r -> r.value())
                            .toList();
            assertEquals(1, read.size());
            assertEquals("count", read.get(0).getInstruction());
            assertTrue(versions(stack, "distill.prompts-value").equals("[1]"), "no new version");
        }
    }
}
