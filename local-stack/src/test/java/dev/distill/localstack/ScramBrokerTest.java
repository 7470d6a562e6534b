package dev.distill.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The local stack's SCRAM broker: who can connect, and what each service's user may write. */
@Tag("integration")
class ScramBrokerTest {
    static LocalStack stack;

    @BeforeAll
    static void start() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "scram-" + System.nanoTime()));
        stack = LocalStack.start(LocalStack.Options.defaults().workDir(work).scram(true));
        try (Admin admin = Admin.create(stack.adminClientProperties())) {
            admin.createTopics(
                            List.of(
                                    new NewTopic(PlatformAcls.CHECKPOINTS, 1, (short) 1),
                                    new NewTopic(PlatformAcls.EVALUATIONS, 1, (short) 1)))
                    .all()
                    .get();
        }
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    static Map<String, Object> client(Map<String, String> security) {
        Map<String, Object> p = new HashMap<>(security);
        p.put("bootstrap.servers", stack.bootstrapServers());
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        p.put("max.block.ms", "10000");
        p.put("request.timeout.ms", "5000");
        p.put("delivery.timeout.ms", "10000");
        p.put("default.api.timeout.ms", "10000");
        return p;
    }

    static Throwable sendFails(Map<String, String> security, String topic) {
        try (KafkaProducer<String, String> p = new KafkaProducer<>(client(security))) {
            ExecutionException e =
                    assertThrows(
                            ExecutionException.class,
                            () ->
                                    p.send(new ProducerRecord<>(topic, "k", "v"))
                                            .get(20, TimeUnit.SECONDS));
            return e.getCause();
        }
    }

    @Test
    void anAnonymousPlaintextClientCannotConnect() {
        try (Admin anonymous = Admin.create(client(Map.of()))) {
            ExecutionException e =
                    assertThrows(
                            ExecutionException.class,
                            () ->
                                    anonymous
                                            .describeCluster(
                                                    new DescribeClusterOptions().timeoutMs(5000))
                                            .nodes()
                                            .get(20, TimeUnit.SECONDS));
            assertTrue(
                    e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException,
                    String.valueOf(e.getCause()));
        }
    }

    @Test
    void aWrongPasswordIsRefused() {
        Map<String, String> good = stack.serviceCredentials(PlatformAcls.EVALUATOR);
        Map<String, String> wrong =
                KafkaBroker.scramClient(PlatformAcls.EVALUATOR, "not-the-password");
        assertEquals(good.keySet(), wrong.keySet());
        assertInstanceOf(
                SaslAuthenticationException.class, sendFails(wrong, PlatformAcls.EVALUATIONS));
    }

    @Test
    void theEvaluatorWritesEvaluationsButNotCheckpoints() throws Exception {
        Map<String, String> evaluator = stack.serviceCredentials(PlatformAcls.EVALUATOR);
        try (KafkaProducer<String, String> p = new KafkaProducer<>(client(evaluator))) {
            p.send(new ProducerRecord<>(PlatformAcls.EVALUATIONS, "run", "report"))
                    .get(20, TimeUnit.SECONDS);
        }
        assertInstanceOf(
                TopicAuthorizationException.class, sendFails(evaluator, PlatformAcls.CHECKPOINTS));
    }

    @Test
    void noServiceMayWriteEverywhereAndNoneOnAWildcard() {
        for (String service : PlatformAcls.SERVICES) {
            PlatformAcls.of(service).stream()
                    .filter(
                            b ->
                                    b.entry().operation()
                                                    != org.apache.kafka.common.acl.AclOperation.READ
                                            && b.entry().operation()
                                                    != org.apache.kafka.common.acl.AclOperation
                                                            .DESCRIBE)
                    .forEach(
                            b ->
                                    assertTrue(
                                            !b.pattern().name().equals("*")
                                                    && !b.pattern().name().isEmpty(),
                                            service + ": " + b));
        }
    }

    @Test
    void theSuperUsersPasswordIsInNoLogAndOnlyInOwnerOnlyFiles() throws Exception {
        String jaas = stack.kafka().adminClientSecurity().get("sasl.jaas.config");
        String password = jaas.replaceAll(".*password=\"([^\"]+)\".*", "$1");
        assertTrue(password.length() >= 12, jaas);
        Path dir = stack.kafka().workDir();
        for (String log : List.of("storage-format.log", "broker.log")) {
            String text = Files.readString(dir.resolve(log));
            assertTrue(!text.contains(password), log + " shows the password");
            assertTrue(log.equals("broker.log") || text.contains("password=***"), log);
        }
        assertEquals(
                "rw-------",
                java.nio.file.attribute.PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(dir.resolve("server.properties"))));
        assertEquals(
                "rwx------",
                java.nio.file.attribute.PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(dir)));
    }
}
