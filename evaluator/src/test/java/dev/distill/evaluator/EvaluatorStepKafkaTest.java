package dev.distill.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.distill.core.checkpoint.CheckpointManifest;
import dev.distill.core.checkpoint.Checkpoints;
import dev.distill.core.data.PromptTemplate;
import dev.distill.core.model.CausalLm;
import dev.distill.core.model.GptConfig;
import dev.distill.localstack.LocalStack;
import dev.distill.localstack.TopicReader;
import dev.distill.platform.kafka.ClientConfigs;
import dev.distill.platform.kafka.KafkaConnection;
import dev.distill.platform.kafka.WireFormat;
import dev.distill.platform.loop.ServiceLoop;
import dev.distill.schemas.avro.CheckpointEvent;
import dev.distill.schemas.avro.DeadLetter;
import dev.distill.schemas.avro.EvalReport;
import dev.distill.schemas.avro.ModelConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The evaluator loop against the real broker and registry of the local stack. */
@Tag("integration")
class EvaluatorStepKafkaTest {
    static final int VOCAB = 22;

    static LocalStack stack;
    static Path work;
    static Path student;
    static String sha;

    @BeforeAll
    static void setUp() throws Exception {
        work = Files.createDirectories(Path.of("target", "evaluator-kafka-" + System.nanoTime()));
        stack = LocalStack.start(LocalStack.Options.defaults().workDir(work.resolve("stack")));
        student = work.resolve("student").toAbsolutePath();
        try (NDManager root = NDManager.newBaseManager();
                CausalLm m =
                        CausalLm.create(
                                new GptConfig(VOCAB, 32, 16, 1, 2, null, 1e-5, true, 21)
                                        .toModelConfig(),
                                root,
                                3)) {
            Checkpoints.save(m, null, CheckpointManifest.of(0, null, 0, 3L, null, null), student);
        }
        StringBuilder vocab = new StringBuilder("\"[UNK]\": 0");
        for (int i = 1; i < 21; i++) {
            vocab.append(", \"w").append(i).append("\": ").append(i);
        }
        Files.writeString(
                student.resolve("tokenizer.json"),
                "{\"version\": \"1.0\", \"truncation\": null, \"padding\": null, \"added_tokens\":"
                        + " [{\"id\": 21, \"content\": \"<|endoftext|>\", \"single_word\": false,"
                        + " \"lstrip\": false, \"rstrip\": false, \"normalized\": false,"
                        + " \"special\": true}], \"normalizer\": null, \"pre_tokenizer\":"
                        + " {\"type\": \"WhitespaceSplit\"}, \"post_processor\": null,"
                        + " \"decoder\": null, \"model\": {\"type\": \"WordLevel\", \"vocab\": {"
                        + vocab
                        + "}, \"unk_token\": \"[UNK]\"}}");
        sha = Checkpoints.readManifest(student).orElseThrow().weightsSha256();
        Files.writeString(
                work.resolve("held-out.jsonl"),
                "{\"instruction\": \"w1 w2 w3\", \"references\": [\"w4\"]}\n"
                        + "{\"instruction\": \"w5 w6\", \"references\": [\"w7 w8\"]}\n");
    }

    @AfterAll
    static void tearDown() {
        if (stack != null) {
            stack.close();
        }
    }

    static EvaluatorSettings settings(String run, int every) throws Exception {
        return settings(run, every, Shard.ALL);
    }

    static EvaluatorSettings settings(String run, int every, Shard shard) throws Exception {
        String checkpoints = "checkpoints." + run;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            if (admin.listTopics().names().get().contains(checkpoints)) {
                return settings(run, every, shard, checkpoints);
            }
            admin.createTopics(
                            List.of(
                                    new NewTopic(checkpoints, 1, (short) 1),
                                    new NewTopic("evaluations." + run, 1, (short) 1),
                                    new NewTopic("dead-letters." + run, 1, (short) 1)))
                    .all()
                    .get();
        }
        return settings(run, every, shard, checkpoints);
    }

    private static EvaluatorSettings settings(
            String run, int every, Shard shard, String checkpoints) {
        return new EvaluatorSettings(
                run,
                work.resolve("held-out.jsonl"),
                "test",
                2,
                null,
                null,
                work.toAbsolutePath(),
                KafkaConnection.plaintext(stack.bootstrapServers()),
                stack.registryUrl(),
                true,
                new long[] {1},
                4,
                2,
                0,
                checkpoints,
                "evaluations." + run,
                "dead-letters." + run,
                Duration.ofMillis(200),
                PromptTemplate.DEFAULT,
                every,
                shard);
    }

    /** Versions from..to, each where the trainer writes it (a link to the student in the store). */
    static void publish(EvaluatorSettings s, long from, long to) throws Exception {
        for (long v = from; v <= to; v++) {
            publish(s, v, v, versionUri(s, v), v - 1);
        }
    }

    static String versionUri(EvaluatorSettings s, long v) throws Exception {
        Path dir =
                dev.distill.core.checkpoint.CheckpointStore.at(s.checkpointStore())
                        .versionDir(s.runId(), v)
                        .toAbsolutePath();
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir.getParent());
            Files.createSymbolicLink(dir, student);
        }
        return dir.toUri().toString();
    }

    /** Versions from..to at {@code uri}, the first with parent {@code parent}. */
    static void publish(EvaluatorSettings s, long from, long to, String uri, long parent) {
        Map<String, Object> p = new HashMap<>(WireFormat.serdeConfig(stack.registryUrl()));
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, WireFormat.SERIALIZER);
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(p)) {
            for (long v = from; v <= to; v++) {
                producer.send(
                        new ProducerRecord<>(
                                s.checkpointsTopic(),
                                s.runId(),
                                CheckpointEvent.newBuilder()
                                        .setRunId(s.runId())
                                        .setVersion(v)
                                        .setStep(v)
                                        .setUri(uri)
                                        .setSha256(sha)
                                        .setSizeBytes(1)
                                        .setModelConfig(
                                                new ModelConfig(VOCAB, 32, 16, 1, 2, "gpt2", null))
                                        .setParentVersion(v == from ? parent : v - 1)
                                        .setLineage(List.of())
                                        .setConfigHash("x")
                                        .setSeed(3)
                                        .setTrainMetrics(Map.of("loss", 1.0))
                                        .setCreatedAt(Instant.now())
                                        .build()));
            }
        }
    }

    static List<Long> scored(EvaluatorSettings s) {
        return TopicReader.<String, EvalReport>readToEnd(
                        ClientConfigs.avroConsumer(stack.bootstrapServers(), stack.registryUrl()),
                        s.evaluationsTopic(),
                        Duration.ofSeconds(30))
                .stream()
                .map(ConsumerRecord::value)
                .map(EvalReport::getVersion)
                .toList();
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(200);
        }
    }

    @Test
    void anEvaluatorBehindScoresEveryNthVersionAndTheNewestAndSkipsTheRest() throws Exception {
        EvaluatorSettings s = settings("every-third", 3);
        publish(s, 1, 7); // a backlog: read in one poll
        EvaluatorStats stats = new EvaluatorStats();
        ServiceLoop loop = new ServiceLoop(s.loop(), () -> new EvaluatorStep(s, stats), stats.loop);
        loop.start();
        try {
            await(() -> stats.evaluated.get() >= 3, "3 reports");
            publish(s, 8, 8); // caught up: the newest is always scored
            await(() -> stats.evaluated.get() >= 4, "the report of v8");
        } finally {
            loop.stopAndWait(Duration.ofSeconds(30));
        }
        assertEquals(List.of(3L, 6L, 7L, 8L), scored(s));
        assertEquals(4, stats.skipped.get());
    }

    @Test
    void everyVersionIsScoredByDefault() throws Exception {
        EvaluatorSettings s = settings("every-one", 1);
        publish(s, 1, 4);
        EvaluatorStats stats = new EvaluatorStats();
        ServiceLoop loop = new ServiceLoop(s.loop(), () -> new EvaluatorStep(s, stats), stats.loop);
        loop.start();
        try {
            await(() -> stats.evaluated.get() >= 4, "4 reports");
        } finally {
            loop.stopAndWait(Duration.ofSeconds(30));
        }
        assertEquals(List.of(1L, 2L, 3L, 4L), scored(s));
        assertEquals(0, stats.skipped.get());
    }

    @Test
    void twoShardsScoreEveryVersionOfTheRunExactlyOnceBetweenThem() throws Exception {
        EvaluatorSettings even = settings("two-shards", 1, new Shard(0, 2));
        EvaluatorSettings odd = settings("two-shards", 1, new Shard(1, 2));
        publish(even, 1, 5);
        EvaluatorStats evenStats = new EvaluatorStats();
        EvaluatorStats oddStats = new EvaluatorStats();
        ServiceLoop evenLoop =
                new ServiceLoop(
                        even.loop(), () -> new EvaluatorStep(even, evenStats), evenStats.loop);
        ServiceLoop oddLoop =
                new ServiceLoop(odd.loop(), () -> new EvaluatorStep(odd, oddStats), oddStats.loop);
        evenLoop.start();
        oddLoop.start();
        try {
            await(
                    () -> evenStats.evaluated.get() + oddStats.evaluated.get() >= 5,
                    "5 reports from two shards");
            publish(even, 6, 6); // a version that arrives later goes to its shard too
            await(() -> evenStats.evaluated.get() >= 3, "the report of v6");
        } finally {
            evenLoop.stopAndWait(Duration.ofSeconds(30));
            oddLoop.stopAndWait(Duration.ofSeconds(30));
        }
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), scored(even).stream().sorted().toList());
        assertEquals(3, evenStats.evaluated.get(), "v2, v4, v6");
        assertEquals(3, oddStats.evaluated.get(), "v1, v3, v5");
        assertEquals(0, evenStats.skipped.get() + oddStats.skipped.get());
        assertTrue(!even.groupId().equals(odd.groupId()), "each shard commits its own offsets");
    }

    @Test
    void refusesCheckpointsOutsideTheStoreOrOffTheRunsChainAndScoresTheRest() throws Exception {
        EvaluatorSettings s = settings("forged", 1);
        // the student's very files, with their true hash, but outside the store
        Path outside =
                Files.createDirectories(work.resolveSibling(work.getFileName() + "-outside"));
        for (String f : List.of("model.safetensors", "config.json", "checkpoint.json")) {
            Files.copy(student.resolve(f), outside.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        publish(s, 1, 1);
        publish(s, 1000, 1000, student.toUri().toString(), 999); // off the chain
        publish(s, 2, 2, work.toAbsolutePath().toUri() + "../" + outside.getFileName(), 1);
        publish(s, 3, 3);
        EvaluatorStats stats = new EvaluatorStats();
        ServiceLoop loop = new ServiceLoop(s.loop(), () -> new EvaluatorStep(s, stats), stats.loop);
        loop.start();
        try {
            await(() -> stats.evaluated.get() >= 2, "2 reports");
            await(() -> stats.loop.deadLettered.get() >= 2, "2 dead letters");
        } finally {
            loop.stopAndWait(Duration.ofSeconds(30));
        }
        assertEquals(List.of(1L, 3L), scored(s));
        List<String> errors =
                TopicReader.<String, DeadLetter>readToEnd(
                                ClientConfigs.avroConsumer(
                                        stack.bootstrapServers(), stack.registryUrl()),
                                s.deadLettersTopic(),
                                Duration.ofSeconds(30))
                        .stream()
                        .map(r -> r.value().getError())
                        .toList();
        assertEquals(2, errors.size(), errors.toString());
        assertTrue(
                errors.get(0)
                        .startsWith(
                                "not scoring checkpoint event v1000 of run forged is not on the"
                                        + " run's published chain: its parent v999"),
                errors.get(0));
        assertTrue(
                errors.get(1).startsWith("checkpoint v2 of run forged: checkpoint file:")
                        && errors.get(1).contains("contains '..'"),
                errors.get(1));
        assertEquals(0, stats.loop.restarts.get());
    }

    @Test
    void anEvaluatorThatResumesMidTopicStillKnowsTheChain() throws Exception {
        EvaluatorSettings s = settings("resumes", 1);
        publish(s, 1, 2);
        EvaluatorStats first = new EvaluatorStats();
        ServiceLoop loop = new ServiceLoop(s.loop(), () -> new EvaluatorStep(s, first), first.loop);
        loop.start();
        try {
            await(() -> first.evaluated.get() >= 2, "2 reports");
        } finally {
            loop.stopAndWait(Duration.ofSeconds(30));
        }
        publish(s, 3, 3); // parent v2: read before the restart, never in the new session's polls
        publish(s, 2, 2, student.toUri().toString(), 1); // a second v2
        EvaluatorStats second = new EvaluatorStats();
        ServiceLoop again =
                new ServiceLoop(s.loop(), () -> new EvaluatorStep(s, second), second.loop);
        again.start();
        try {
            await(() -> second.evaluated.get() >= 1, "the report of v3");
            await(() -> second.loop.deadLettered.get() >= 1, "the second v2 dead-lettered");
        } finally {
            again.stopAndWait(Duration.ofSeconds(30));
        }
        assertEquals(List.of(1L, 2L, 3L), scored(s));
    }
}
