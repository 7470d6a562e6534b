package dev.distill.e2e;

import static dev.distill.e2e.PlatformEndToEndTest.RUN;
import static dev.distill.e2e.PlatformEndToEndTest.await;
import static dev.distill.e2e.PlatformEndToEndTest.events;
import static dev.distill.e2e.PlatformEndToEndTest.publishPrompts;
import static dev.distill.e2e.PlatformEndToEndTest.readAll;
import static dev.distill.e2e.PlatformEndToEndTest.reports;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.distill.core.checkpoint.Checkpoints;
import dev.distill.localstack.LocalStack;
import dev.distill.localstack.ServiceProcess;
import dev.distill.localstack.TopicReader;
import dev.distill.platform.kafka.ClientConfigs;
import dev.distill.platform.kafka.DeadLetters;
import dev.distill.platform.kafka.WireFormat;
import dev.distill.schemas.avro.CheckpointEvent;
import dev.distill.schemas.avro.DeadLetter;
import dev.distill.schemas.avro.EvalReport;
import dev.distill.schemas.avro.OffsetRange;
import dev.distill.schemas.avro.Rollout;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The three packaged services through what an operator and an attacker can do to a run: crafted
 * records on its topics (a rollout longer than the student's context, a 1 MB undecodable record, a
 * forged checkpoint event), a crash of the registry, kill -9 of the trainer, and a broker outage
 * longer than the transaction timeout. No service stops for good, every prompt is trained exactly
 * once, every crafted record is dead-lettered with its reason, and replay still matches.
 */
@Tag("integration")
class AdversarialRunEndToEndTest {
    static final int PROMPTS = 48;
    static final int GARBAGE_BYTES = 1_000_000;

    @Test
    void craftedRecordsARegistryCrashAKilledTrainerAndABrokerOutageStopNothingAndLoseNothing()
            throws Exception {
        Path work =
                Files.createDirectories(
                        Path.of("target", "e2e-adversarial-" + System.currentTimeMillis())
                                .toAbsolutePath());
        try (LocalStack stack =
                LocalStack.start(LocalStack.Options.defaults().workDir(work.resolve("stack")))) {
            PlatformEndToEndTest.createTopics(stack);
            PlatformEndToEndTest.Models models = PlatformEndToEndTest.models(work, true);
            Map<String, String> trainerProps =
                    PlatformEndToEndTest.trainerProps(stack, models, work);
            Path logs = Files.createDirectories(work.resolve("logs"));

            Map<String, Map<String, String>> props =
                    Map.of(
                            "producer-teacher",
                                    PlatformEndToEndTest.producerProps(stack, models, work),
                            "trainer-student", trainerProps,
                            "evaluator", PlatformEndToEndTest.evaluatorProps(stack, models, work));
            Map<String, ServiceProcess> running = new java.util.LinkedHashMap<>();
            ThrowingStart start =
                    module -> {
                        ServiceProcess p =
                                PlatformEndToEndTest.start(
                                        module, props.get(module), logs.resolve(module + ".log"));
                        running.put(module, p);
                        return p;
                    };
            Supplier<String> logsTail =
                    () ->
                            String.join(
                                    "\n",
                                    running.values().stream().map(p -> p.logTail(30)).toList());
            try {
                for (String module : props.keySet()) {
                    start.apply(module);
                }
                publishPrompts(stack, 0, 16);
                await(() -> published(stack).size() >= 1, "checkpoint v1", logsTail);

                // Crafted records, each of which once stopped a service for good.
                Rollout real =
                        PlatformEndToEndTest.<Rollout>readAll(stack, "distill.rollouts").get(0);
                Rollout tooLong =
                        Rollout.newBuilder(real)
                                .setRolloutId("crafted-long")
                                .setPromptId("crafted-long")
                                .setPromptTokens(Collections.nCopies(70, 3)) // the student has 64
                                .build();
                // The attack an adversarial run found: the teacher, through '..', with its true
                // hash, as student v1000.
                CheckpointEvent forged =
                        teacherThroughDotDot(events(stack).get(0), 1000, work, models);
                try (KafkaProducer<String, Object> p = new KafkaProducer<>(avroProducer(stack))) {
                    p.send(new ProducerRecord<>("distill.rollouts", "crafted-long", tooLong));
                    p.send(new ProducerRecord<>("distill.checkpoints", RUN, forged));
                }
                try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(rawProducer(stack))) {
                    raw.send(
                            new ProducerRecord<>(
                                    "distill.rollouts", "garbage", new byte[GARBAGE_BYTES]));
                }

                // A registry crash, then a trainer that must read the rollouts' schemas from it.
                stack.registry().kill();
                stack.registry().resume();
                running.get("trainer-student").kill();
                start.apply("trainer-student");
                publishPrompts(stack, 16, 32);
                await(() -> published(stack).size() >= 2, "checkpoint v2", logsTail);

                // kill -9 of the other two, then a broker outage longer than the producers' 60 s
                // transaction timeout while they start again.
                for (String module : List.of("producer-teacher", "evaluator")) {
                    running.get(module).kill();
                    start.apply(module);
                }
                stack.kafka().kill();
                Thread.sleep(70_000);
                stack.kafka().resume();
                publishPrompts(stack, 32, PROMPTS);
                await(
                        () -> published(stack).size() >= 3 && reports(stack).size() >= 3,
                        "checkpoint v3 and 3 reports after the outage",
                        logsTail);

                for (ServiceProcess s : running.values()) {
                    assertTrue(s.isAlive(), s.logTail(40));
                    HttpResponse<String> live = liveness(s);
                    assertEquals(200, live.statusCode(), live.body());
                }
                JsonNode standing =
                        PlatformEndToEndTest.awaitLeaderboard(
                                running.get("evaluator").httpUrl() + "/leaderboard/" + RUN,
                                3,
                                logsTail);
                List<Long> scored = new ArrayList<>();
                standing.get("history").forEach(c -> scored.add(c.get("version").asLong()));
                assertEquals(List.of(1L, 2L, 3L), scored, "the forged v1000 is not scored");

                // A forged event that is on the chain (the next version, parent v3) but points
                // through '..' at the teacher, with its true hash: opened by neither reader.
                CheckpointEvent next =
                        teacherThroughDotDot(published(stack).get(2), 4, work, models);
                try (KafkaProducer<String, Object> p = new KafkaProducer<>(avroProducer(stack))) {
                    p.send(new ProducerRecord<>("distill.checkpoints", RUN, next));
                }
                await(
                        () -> {
                            List<DeadLetter> d = readAll(stack, "distill.dead-letters");
                            return count(d, "evaluator", "contains '..'") >= 1
                                    && count(d, "producer-teacher", "contains '..'") >= 1;
                        },
                        "the evaluator and the producer refusing the forged v4",
                        logsTail);
                for (ServiceProcess s : running.values()) {
                    assertTrue(s.isAlive(), s.logTail(40));
                }
            } finally {
                for (ServiceProcess p : running.values()) {
                    p.close();
                }
            }

            List<CheckpointEvent> events = published(stack);
            assertEquals(
                    List.of(1L, 2L, 3L),
                    events.stream().map(CheckpointEvent::getVersion).toList(),
                    "each version published once");
            // Every rollout of a published prompt is in exactly one checkpoint's lineage, and
            // trained once.
            // Read as bytes: the crafted 1 MB record on the topic is not Avro.
            List<ConsumerRecord<String, byte[]>> rollouts =
                    TopicReader.<String, byte[]>readToEnd(
                                    ClientConfigs.bytesConsumer(
                                            stack.bootstrapServers(), null, 500, 300_000),
                                    "distill.rollouts",
                                    Duration.ofSeconds(30))
                            .stream()
                            .filter(r -> r.key().startsWith("prompt-"))
                            .toList();
            assertEquals(PROMPTS, rollouts.size(), "one rollout per prompt, despite the outage");
            assertEquals(PROMPTS, rollouts.stream().map(ConsumerRecord::key).distinct().count());
            Map<String, Integer> owners = new HashMap<>();
            double trained = 0;
            for (CheckpointEvent e : events) {
                assertEquals(e.getVersion() - 1, (long) e.getParentVersion());
                trained += e.getTrainMetrics().get("rollouts");
                for (ConsumerRecord<String, byte[]> r : rollouts) {
                    for (OffsetRange range : e.getLineage()) {
                        if (range.getPartition() == r.partition()
                                && r.offset() >= range.getFromOffset()
                                && r.offset() <= range.getToOffset()) {
                            owners.merge(r.key(), 1, Integer::sum);
                        }
                    }
                }
            }
            assertEquals(PROMPTS, trained, "every rollout trained exactly once");
            assertEquals(PROMPTS, owners.size(), owners.toString());
            assertTrue(owners.values().stream().allMatch(n -> n == 1), owners.toString());

            List<DeadLetter> dead = readAll(stack, "distill.dead-letters");
            assertEquals(
                    1,
                    count(dead, "trainer-student", "exceeds the student's n_positions 64"),
                    dead.toString());
            DeadLetter garbage =
                    dead.stream()
                            .filter(d -> d.getPayloadSize() != null)
                            .findFirst()
                            .orElseThrow(() -> new AssertionError("no truncated dead letter"));
            assertEquals("trainer-student", garbage.getService());
            assertEquals(GARBAGE_BYTES, (long) garbage.getPayloadSize());
            assertTrue(
                    garbage.getError()
                            .toString()
                            .contains(
                                    "the registry answered HTTP 404 for schema id 0 (no such"
                                            + " schema)"),
                    garbage.getError().toString());
            assertEquals(DeadLetters.MAX_PAYLOAD_BYTES, garbage.getPayload().remaining());
            String offChain =
                    "checkpoint event v1000 of run e2e is not on the run's published chain";
            assertEquals(1, count(dead, "evaluator", offChain), dead.toString());
            // The follower reads the topic from the start in each producer session: at least once.
            assertTrue(count(dead, "producer-teacher", offChain) >= 1, dead.toString());

            for (long v = 2; v <= 3; v++) {
                String verdict = PlatformEndToEndTest.replay(stack, work, models, trainerProps, v);
                assertTrue(verdict.contains("MATCH") && !verdict.contains("MISMATCH"), verdict);
            }
            List<EvalReport> reports = reports(stack);
            assertEquals(
                    List.of(1L, 2L, 3L),
                    reports.stream().map(EvalReport::getVersion).sorted().toList(),
                    "each checkpoint scored once, the forged ones never");
            assertEquals(
                    1,
                    count(dead, "evaluator", "checkpoint v4 of run e2e: checkpoint file:"),
                    dead.toString());
        }
    }

    /**
     * A copy of {@code real} as version {@code version} (parent the one before) that points through
     * '..' at the teacher's directory, with the teacher's true weights hash.
     */
    static CheckpointEvent teacherThroughDotDot(
            CheckpointEvent real, long version, Path work, PlatformEndToEndTest.Models models)
            throws java.io.IOException {
        return CheckpointEvent.newBuilder(real)
                .setVersion(version)
                .setParentVersion(version - 1)
                .setUri(
                        work.resolve("checkpoints").toUri()
                                + "../"
                                + work.relativize(models.teacher()))
                .setSha256(Checkpoints.sha256(models.teacher().resolve(Checkpoints.WEIGHTS)))
                .build();
    }

    /** The trainer's checkpoint events, without the forged ones. */
    static List<CheckpointEvent> published(LocalStack stack) {
        return events(stack).stream()
                .filter(e -> e.getVersion() < 1000 && !e.getUri().contains(".."))
                .toList();
    }

    interface ThrowingStart {
        ServiceProcess apply(String module) throws Exception;
    }

    static long count(List<DeadLetter> dead, String service, String errorPart) {
        return dead.stream()
                .filter(
                        d ->
                                d.getService().equals(service)
                                        && d.getError().toString().contains(errorPart))
                .count();
    }

    static HttpResponse<String> liveness(ServiceProcess s) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(s.httpUrl() + "/q/health/live")).build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    static Map<String, Object> avroProducer(LocalStack stack) {
        Map<String, Object> p = new HashMap<>(WireFormat.serdeConfig(stack.registryUrl()));
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, WireFormat.SERIALIZER);
        return p;
    }

    static Map<String, Object> rawProducer(LocalStack stack) {
        return Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class.getName(),
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                2_000_000);
    }
}
