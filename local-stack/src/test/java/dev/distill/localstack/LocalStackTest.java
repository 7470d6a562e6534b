package dev.distill.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class LocalStackTest {

    private static final String TOPIC = "local-stack-test";
    private static final String SCHEMA =
            "{\"type\":\"record\",\"name\":\"Greeting\",\"namespace\":\"dev.distill.test\","
                + "\"fields\":[{\"name\":\"text\",\"type\":\"string\"},{\"name\":\"count\",\"type\":\"int\"}]}";

    /** The same schema, formatted differently: the canonical hash must map it to the same id. */
    private static final String SCHEMA_REFORMATTED =
            "{ \"type\": \"record\", \"namespace\": \"dev.distill.test\", \"name\": \"Greeting\","
                    + " \"fields\": [ { \"name\": \"text\", \"type\": \"string\" }, { \"name\":"
                    + " \"count\", \"type\": \"int\" } ] }";

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void startsKafkaAndRegistryThenStopsThem(@TempDir Path tmp) throws Exception {
        Instant t0 = Instant.now();
        Path workDir = tmp.resolve("stack");
        ProcessHandle kafkaProcess;
        ProcessHandle registryProcess;
        Instant closing;
        try (LocalStack stack = LocalStack.start(LocalStack.Options.defaults().workDir(workDir))) {
            Duration startup = Duration.between(t0, Instant.now());
            System.out.printf(
                    "local-stack: started in %d ms (Kafka broker %d ms, Apicurio Registry %d ms, in"
                            + " parallel)%n",
                    startup.toMillis(),
                    stack.kafka().startupTime().toMillis(),
                    stack.registry().startupTime().toMillis());
            kafkaProcess = stack.kafka().process();
            registryProcess = stack.registry().process();
            assertTrue(kafkaProcess.isAlive());
            assertTrue(registryProcess.isAlive());
            assertTrue(
                    stack.bootstrapServers().matches("127\\.0\\.0\\.1:\\d+"),
                    stack.bootstrapServers());
            assertTrue(
                    stack.registryUrl().matches("http://127\\.0\\.0\\.1:\\d+/apis/registry/v3"),
                    stack.registryUrl());
            assertTrue(
                    stack.confluentUrl().matches("http://127\\.0\\.0\\.1:\\d+/apis/ccompat/v7"),
                    stack.confluentUrl());
            assertTrue(Files.isRegularFile(workDir.resolve("kafka/broker.log")));
            assertTrue(Files.isRegularFile(workDir.resolve("registry/registry.log")));

            produceAndConsume(stack.bootstrapServers());
            registerAndReadSchema(stack);
            closing = Instant.now();
            System.out.printf(
                    "local-stack: checks done at %d ms%n",
                    Duration.between(t0, closing).toMillis());
        }
        System.out.printf(
                "local-stack: close() took %d ms%n",
                Duration.between(closing, Instant.now()).toMillis());
        assertGoneWithin(kafkaProcess, Duration.ofSeconds(20));
        assertGoneWithin(registryProcess, Duration.ofSeconds(20));
        assertTrue(Files.isDirectory(workDir), "a work dir given by the caller is kept");
        assertTrue(
                Files.readString(workDir.resolve("kafka/broker.log"))
                        .contains("shut down completed"),
                "the broker shut down gracefully");
        System.out.printf(
                "local-stack: whole test %d ms%n", Duration.between(t0, Instant.now()).toMillis());
    }

    @Test
    void brokerAloneUsesAndDeletesItsOwnTempDir() throws Exception {
        Path dir;
        ProcessHandle process;
        try (KafkaBroker kafka = KafkaBroker.start()) {
            System.out.printf(
                    "local-stack: Kafka broker alone ready in %d ms%n",
                    kafka.startupTime().toMillis());
            dir = kafka.workDir();
            process = kafka.process();
            assertTrue(Files.isRegularFile(dir.resolve("server.properties")));
            try (Admin admin =
                    Admin.create(
                            Map.of(
                                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                    kafka.bootstrapServers()))) {
                assertEquals(1, admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size());
            }
        }
        assertGoneWithin(process, Duration.ofSeconds(20));
        assertFalse(
                Files.exists(dir), "temp dir created by the broker is deleted on close: " + dir);
    }

    private static void produceAndConsume(String bootstrap) throws Exception {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            assertTrue(admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(TOPIC));
        }
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(
                        Map.of(
                                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                bootstrap,
                                ProducerConfig.ACKS_CONFIG,
                                "all"),
                        new StringSerializer(),
                        new StringSerializer())) {
            RecordMetadata md =
                    producer.send(new ProducerRecord<>(TOPIC, "k1", "hello, local stack"))
                            .get(30, TimeUnit.SECONDS);
            assertEquals(0L, md.offset());
        }
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(
                        Map.of(
                                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                                ConsumerConfig.GROUP_ID_CONFIG, "local-stack-test",
                                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                        new StringDeserializer(),
                        new StringDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            Instant deadline = Instant.now().plusSeconds(30);
            ConsumerRecord<String, String> got = null;
            while (got == null && Instant.now().isBefore(deadline)) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<String, String> r : records) {
                    got = r;
                }
            }
            assertNotNull(got, "no record consumed within 30 s");
            assertEquals("k1", got.key());
            assertEquals("hello, local stack", got.value());
        }
    }

    private void registerAndReadSchema(LocalStack stack) throws Exception {
        HttpResponse<String> info =
                http.send(
                        HttpRequest.newBuilder(URI.create(stack.registryUrl() + "/system/info"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, info.statusCode(), info.body());
        assertTrue(info.body().contains("\"version\":\"3.0.9\""), info.body());

        String subject = stack.confluentUrl() + "/subjects/test-value/versions";
        int id = register(subject, SCHEMA);
        assertEquals(id, register(subject, SCHEMA), "same schema twice -> same id");
        assertEquals(
                id,
                register(subject, SCHEMA_REFORMATTED),
                "reformatted schema -> same id (canonical hash)");

        HttpResponse<String> byId =
                http.send(
                        HttpRequest.newBuilder(
                                        URI.create(stack.confluentUrl() + "/schemas/ids/" + id))
                                .header("Accept", "application/vnd.schemaregistry.v1+json")
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, byId.statusCode(), byId.body());
        assertTrue(byId.body().contains("Greeting") && byId.body().contains("count"), byId.body());
        System.out.printf("local-stack: schema id %d -> %s%n", id, byId.body());
    }

    private int register(String url, String schema) throws Exception {
        HttpResponse<String> r =
                http.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                                .POST(
                                        HttpRequest.BodyPublishers.ofString(
                                                "{\"schema\": " + jsonString(schema) + "}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        Matcher m = Pattern.compile("\"id\"\\s*:\\s*(\\d+)").matcher(r.body());
        assertTrue(m.find(), r.body());
        return Integer.parseInt(m.group(1));
    }

    private static String jsonString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static void assertGoneWithin(ProcessHandle p, Duration timeout)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (p.isAlive() && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        assertFalse(
                p.isAlive(),
                "process " + p.pid() + " still alive " + timeout.toSeconds() + " s after close()");
    }
}
