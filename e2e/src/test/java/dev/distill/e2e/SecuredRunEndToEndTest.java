package dev.distill.e2e;

import static dev.distill.e2e.PlatformEndToEndTest.RUN;
import static dev.distill.e2e.PlatformEndToEndTest.await;
import static dev.distill.e2e.PlatformEndToEndTest.events;
import static dev.distill.e2e.PlatformEndToEndTest.publishPrompts;
import static dev.distill.e2e.PlatformEndToEndTest.reports;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.distill.localstack.LocalStack;
import dev.distill.localstack.PlatformAcls;
import dev.distill.localstack.ServiceProcess;
import dev.distill.schemas.avro.CheckpointEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The three packaged services on a broker that authenticates (SCRAM-SHA-512) and authorises (ACLs)
 * every client, each with its own user and least privilege, and a registry that takes schemas only
 * from the registrar: the run works, and a client with another service's rights, or with none, is
 * refused.
 */
@Tag("integration")
class SecuredRunEndToEndTest {
    static final int PROMPTS = 32; // two rounds of 16

    static Map<String, String> asServiceConfig(Map<String, String> clientSecurity) {
        Map<String, String> p = new HashMap<>();
        clientSecurity.forEach((k, v) -> p.put("kafka." + k, v));
        return p;
    }

    static Map<String, Object> client(LocalStack stack, Map<String, String> security) {
        Map<String, Object> p = new HashMap<>(security);
        p.put("bootstrap.servers", stack.bootstrapServers());
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        p.put("max.block.ms", "10000");
        p.put("delivery.timeout.ms", "15000");
        p.put("request.timeout.ms", "5000");
        return p;
    }

    static Throwable writeFails(LocalStack stack, Map<String, String> security, String topic) {
        try (KafkaProducer<String, String> p = new KafkaProducer<>(client(stack, security))) {
            return assertThrows(
                            ExecutionException.class,
                            () ->
                                    p.send(new ProducerRecord<>(topic, RUN, "forged"))
                                            .get(30, TimeUnit.SECONDS))
                    .getCause();
        }
    }

    @Test
    void theServicesRunWithTheirOwnCredentialsAndNoOtherClientCanDoTheirWork() throws Exception {
        Path work =
                Files.createDirectories(
                        Path.of("target", "e2e-secured-" + System.currentTimeMillis())
                                .toAbsolutePath());
        try (LocalStack stack =
                LocalStack.start(
                        LocalStack.Options.defaults()
                                .workDir(work.resolve("stack"))
                                .scram(true)
                                .registryAuth("registrar", "registrar-secret-1"))) {
            PlatformEndToEndTest.createTopics(stack);
            // The deployment step: the registrar registers the schemas through the CLI; the
            // services may not (and need no registry credentials).
            Path password = work.resolve("registrar.password");
            Files.writeString(password, "registrar-secret-1\n");
            Process register =
                    new ProcessBuilder(
                                    ProcessHandle.current().info().command().orElse("java"),
                                    "-jar",
                                    PlatformEndToEndTest.ROOT
                                            .resolve("distill-cli/target/distill-cli.jar")
                                            .toString(),
                                    "register-schemas",
                                    "--registry-url",
                                    stack.registryUrl(),
                                    "--user",
                                    "registrar",
                                    "--password-file",
                                    password.toString())
                            .redirectErrorStream(true)
                            .start();
            String registered = new String(register.getInputStream().readAllBytes());
            assertEquals(0, register.waitFor(), registered);
            assertTrue(registered.contains("registered distill.checkpoints-value"), registered);
            PlatformEndToEndTest.Models models = PlatformEndToEndTest.models(work, true);
            Map<String, Map<String, String>> credentials = new HashMap<>();
            for (String user : PlatformAcls.USERS) {
                credentials.put(user, stack.serviceCredentials(user));
            }
            Map<String, String> producerProps =
                    PlatformEndToEndTest.producerProps(stack, models, work);
            producerProps.putAll(asServiceConfig(credentials.get(PlatformAcls.PRODUCER)));
            producerProps.put("distill.producer.register-schemas", "false");
            Map<String, String> trainerProps =
                    PlatformEndToEndTest.trainerProps(stack, models, work);
            // The trainer reads its JAAS config from a directory of one file per setting, as a
            // pod reads its mounted KafkaUser Secret on Kubernetes.
            Map<String, String> trainerSecurity =
                    new HashMap<>(asServiceConfig(credentials.get(PlatformAcls.TRAINER)));
            Path trainerUser = Files.createDirectories(work.resolve("trainer-user"));
            Files.writeString(
                    trainerUser.resolve("kafka.sasl.jaas.config"),
                    trainerSecurity.remove("kafka.sasl.jaas.config"));
            trainerProps.putAll(trainerSecurity);
            trainerProps.put("smallrye.config.source.file.locations", trainerUser.toString());
            trainerProps.put("distill.trainer.register-schemas", "false");
            Map<String, String> evaluatorProps =
                    PlatformEndToEndTest.evaluatorProps(stack, models, work);
            evaluatorProps.putAll(asServiceConfig(credentials.get(PlatformAcls.EVALUATOR)));
            evaluatorProps.put("distill.evaluator.register-schemas", "false");

            Path logs = Files.createDirectories(work.resolve("logs"));
            try (ServiceProcess producer =
                            PlatformEndToEndTest.start(
                                    "producer-teacher",
                                    producerProps,
                                    logs.resolve("producer.log"));
                    ServiceProcess trainer =
                            PlatformEndToEndTest.start(
                                    "trainer-student", trainerProps, logs.resolve("trainer.log"));
                    ServiceProcess evaluator =
                            PlatformEndToEndTest.start(
                                    "evaluator", evaluatorProps, logs.resolve("evaluator.log"))) {
                Supplier<String> logsTail =
                        () ->
                                producer.logTail(40)
                                        + "\n"
                                        + trainer.logTail(40)
                                        + "\n"
                                        + evaluator.logTail(40);
                // as the prompt loader, with its own least-privilege user
                Map<String, Object> loader =
                        new HashMap<>(credentials.get(PlatformAcls.PROMPT_LOADER));
                loader.put("bootstrap.servers", stack.bootstrapServers());
                publishPrompts(stack, 0, PROMPTS, loader);
                await(() -> events(stack).size() >= 2, "checkpoints v1 and v2", logsTail);
                await(() -> reports(stack).size() >= 2, "2 reports", logsTail);
                // The leaderboard's Kafka Streams clients authenticate as the evaluator too.
                JsonNode standing =
                        PlatformEndToEndTest.awaitLeaderboard(
                                evaluator.httpUrl() + "/leaderboard/" + RUN, 2, logsTail);
                List<Long> versions = new ArrayList<>();
                standing.get("history").forEach(c -> versions.add(c.get("version").asLong()));
                assertEquals(List.of(1L, 2L), versions);
                for (ServiceProcess s : List.of(producer, trainer, evaluator)) {
                    assertTrue(s.isAlive(), s.logTail(40));
                }
            }
            assertEquals(
                    List.of(1L, 2L),
                    events(stack).stream().map(CheckpointEvent::getVersion).toList());

            // Only the trainer may publish a checkpoint: the evaluator's, the producer's and the
            // prompt loader's users cannot forge one.
            for (String service :
                    List.of(
                            PlatformAcls.EVALUATOR,
                            PlatformAcls.PRODUCER,
                            PlatformAcls.PROMPT_LOADER)) {
                assertInstanceOf(
                        TopicAuthorizationException.class,
                        writeFails(stack, credentials.get(service), "distill.checkpoints"),
                        service);
            }
            // The evaluator's user cannot inject rollouts either.
            assertInstanceOf(
                    TopicAuthorizationException.class,
                    writeFails(stack, credentials.get(PlatformAcls.EVALUATOR), "distill.rollouts"));
            // A client without credentials does not get a connection at all.
            try (Admin anonymous = Admin.create(client(stack, Map.of()))) {
                ExecutionException e =
                        assertThrows(
                                ExecutionException.class,
                                () ->
                                        anonymous
                                                .describeCluster(
                                                        new DescribeClusterOptions()
                                                                .timeoutMs(5000))
                                                .nodes()
                                                .get(20, TimeUnit.SECONDS));
                assertInstanceOf(
                        org.apache.kafka.common.errors.TimeoutException.class, e.getCause());
            }
        }
    }
}
