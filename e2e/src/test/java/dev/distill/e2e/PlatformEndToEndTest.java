package dev.distill.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.distill.core.checkpoint.CheckpointManifest;
import dev.distill.core.checkpoint.Checkpoints;
import dev.distill.core.model.CausalLm;
import dev.distill.core.model.GptConfig;
import dev.distill.core.model.ModelConfig;
import dev.distill.core.model.Rope;
import dev.distill.core.tokenizer.HfTokenizer;
import dev.distill.core.train.AdamW;
import dev.distill.core.train.LearningRate;
import dev.distill.core.train.LmTrainer;
import dev.distill.localstack.LocalStack;
import dev.distill.localstack.ServiceProcess;
import dev.distill.localstack.TopicReader;
import dev.distill.platform.kafka.ClientConfigs;
import dev.distill.platform.kafka.KafkaConnection;
import dev.distill.platform.kafka.WireFormat;
import dev.distill.schemas.avro.CheckpointEvent;
import dev.distill.schemas.avro.EvalReport;
import dev.distill.schemas.avro.OffsetRange;
import dev.distill.schemas.avro.Prompt;
import dev.distill.schemas.avro.Rollout;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * prompts -> producer-teacher -> rollouts -> trainer-student -> checkpoints -> evaluator ->
 * evaluations, the three packaged services as processes over the local stack's real broker and
 * registry, with the trainer killed (-9) and restarted in the middle of the run.
 */
@Tag("integration")
class PlatformEndToEndTest {
    static final String RUN = "e2e";
    static final int PROMPTS = 48;
    static final int PER_ROUND = 16;
    static final Path ROOT = Path.of(System.getProperty("distill.root", ".."));

    /**
     * gpt2: GPT-2 teacher and student. llama-family: a Qwen3 teacher (q/k norms, head_dim !=
     * hidden/heads, grouped-query attention) and a Llama student of another family (one KV head,
     * untied head) that share one tokenizer.
     */
    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "llama-family"})
    void promptsBecomeRolloutsCheckpointsAndReportsAndATrainerCrashLosesNothing(String family)
            throws Exception {
        Path work =
                Files.createDirectories(
                        Path.of("target", "e2e-" + family + "-" + System.currentTimeMillis())
                                .toAbsolutePath());
        try (LocalStack stack =
                LocalStack.start(LocalStack.Options.defaults().workDir(work.resolve("stack")))) {
            createTopics(stack);
            Models models = models(work, family.equals("gpt2"));
            Map<String, String> producerProps = producerProps(stack, models, work);
            Map<String, String> trainerProps = trainerProps(stack, models, work);
            // Two evaluators share the run: each scores its shard of the versions, and each
            // serves the whole leaderboard.
            Map<String, String> evaluatorProps = evaluatorProps(stack, models, work);
            evaluatorProps.put("distill.evaluator.shards", "2");
            Map<String, String> evenProps = new LinkedHashMap<>(evaluatorProps);
            evenProps.put("distill.evaluator.shard", "0");
            Map<String, String> oddProps = new LinkedHashMap<>(evaluatorProps);
            oddProps.put("distill.evaluator.shard", "1");

            Path logs = Files.createDirectories(work.resolve("logs"));
            try (ServiceProcess producer =
                            start("producer-teacher", producerProps, logs.resolve("producer.log"));
                    ServiceProcess evaluator =
                            start("evaluator", evenProps, logs.resolve("evaluator-0.log"));
                    ServiceProcess oddEvaluator =
                            start("evaluator", oddProps, logs.resolve("evaluator-1.log"))) {
                ServiceProcess trainer =
                        start("trainer-student", trainerProps, logs.resolve("trainer.log"));
                Supplier<String> logsTail =
                        () ->
                                producer.logTail(40)
                                        + "\n"
                                        + trainer.logTail(40)
                                        + "\n"
                                        + evaluator.logTail(40)
                                        + "\n"
                                        + oddEvaluator.logTail(40);
                // 24 prompts: one round of 16, then 8 rollouts the trainer has consumed but not
                // committed when it is killed; they must be re-read, not lost, after the restart.
                publishPrompts(stack, 0, 24);
                await(
                        () -> events(stack).size() >= 1 && rolloutCount(stack) >= 24,
                        "checkpoint v1 and 24 rollouts",
                        logsTail);
                Thread.sleep(1000); // the trainer polls the last 8 into its pending round
                trainer.kill();
                assertTrue(!trainer.isAlive());
                assertEquals(1, events(stack).size(), "a round of 8 cannot have been published");
                publishPrompts(stack, 24, PROMPTS);
                ServiceProcess restarted =
                        start("trainer-student", trainerProps, logs.resolve("trainer.log"));
                Supplier<String> logsAfter =
                        () ->
                                producer.logTail(40)
                                        + "\n"
                                        + restarted.logTail(40)
                                        + "\n"
                                        + evaluator.logTail(40)
                                        + "\n"
                                        + oddEvaluator.logTail(40);
                try (restarted) {
                    await(
                            () -> events(stack).size() >= PROMPTS / PER_ROUND,
                            PROMPTS / PER_ROUND + " checkpoints",
                            logsAfter);
                    await(
                            () -> reports(stack).size() >= PROMPTS / PER_ROUND,
                            PROMPTS / PER_ROUND + " reports",
                            logsAfter);
                    assertTrue(
                            restarted.logTail(40).contains("resumes at version 1"),
                            restarted.logTail(40));
                }
                // Each evaluator's leaderboard (Kafka Streams) has the run's three scored
                // checkpoints and their losses, whichever shard scored them, and the two agree.
                List<JsonNode> standings = new ArrayList<>();
                for (ServiceProcess e : List.of(evaluator, oddEvaluator)) {
                    JsonNode standing =
                            awaitLeaderboard(e.httpUrl() + "/leaderboard/" + RUN, 3, logsTail);
                    List<Long> versions = new ArrayList<>();
                    standing.get("history").forEach(c -> versions.add(c.get("version").asLong()));
                    assertEquals(List.of(1L, 2L, 3L), versions);
                    standing.get("history")
                            .forEach(
                                    c ->
                                            assertTrue(
                                                    c.get("trainMetrics").has("loss"),
                                                    c.toString()));
                    double best = standing.get("best").get("rougeL").asDouble();
                    standing.get("history")
                            .forEach(c -> assertTrue(c.get("rougeL").asDouble() <= best));
                    standings.add(standing);
                }
                assertEquals(standings.get(0), standings.get(1));
                assertTrue(
                        evaluator.logTail(200).contains("scored v2 ")
                                && oddEvaluator.logTail(200).contains("scored v1 ")
                                && oddEvaluator.logTail(200).contains("scored v3 "),
                        "v2 scored by shard 0, v1 and v3 by shard 1");
            }

            List<ConsumerRecord<String, Rollout>> rolloutRecords =
                    records(stack, "distill.rollouts");
            List<Rollout> rollouts = rolloutRecords.stream().map(ConsumerRecord::value).toList();
            assertEquals(PROMPTS, rollouts.size(), "one rollout per prompt");
            assertEquals(
                    PROMPTS,
                    new HashSet<>(rollouts.stream().map(Rollout::getPromptId).toList()).size());
            for (Rollout r : rollouts) {
                assertEquals(RUN, r.getRunId());
                assertEquals(r.getResponseTokens().size(), r.getTokens().size());
                assertTrue(
                        r.getTokens().stream()
                                .allMatch(
                                        t ->
                                                t.getTeacherLogProb() <= 0
                                                        && t.getSupportIds().size() >= 8));
            }

            List<CheckpointEvent> events = events(stack);
            assertEquals(
                    List.of(1L, 2L, 3L),
                    events.stream().map(CheckpointEvent::getVersion).toList(),
                    "each version published once, despite the crash");
            String studentType = family.equals("gpt2") ? "gpt2" : "llama";
            for (CheckpointEvent e : events) {
                assertEquals(studentType, e.getModelConfig().getModelType(), e.toString());
                Path dir = Path.of(URI.create(e.getUri()));
                assertTrue(
                        Files.readString(dir.resolve("config.json"))
                                .contains("\"model_type\" : \"" + studentType + "\""),
                        "v" + e.getVersion() + " is written back in the student's own layout");
            }
            // Every committed rollout record lies in exactly one checkpoint's lineage. (Offsets are
            // not contiguous: transaction markers and aborted records of a killed producer take
            // offsets too.)
            Map<String, Integer> owners = new HashMap<>();
            long trained = 0;
            for (CheckpointEvent e : events) {
                assertEquals(e.getVersion() - 1, (long) e.getParentVersion());
                for (ConsumerRecord<String, Rollout> r : rolloutRecords) {
                    for (OffsetRange range : e.getLineage()) {
                        if (range.getPartition() == r.partition()
                                && r.offset() >= range.getFromOffset()
                                && r.offset() <= range.getToOffset()) {
                            owners.merge(r.partition() + "@" + r.offset(), 1, Integer::sum);
                        }
                    }
                }
                trained += e.getTrainMetrics().get("rollouts").longValue();
                Path dir = Path.of(java.net.URI.create(e.getUri()));
                assertEquals(Checkpoints.sha256(dir.resolve(Checkpoints.WEIGHTS)), e.getSha256());
            }
            assertEquals(PROMPTS, trained, "every rollout trained exactly once");
            assertEquals(PROMPTS, owners.size(), "every rollout is in some checkpoint's lineage");
            assertTrue(
                    owners.values().stream().allMatch(n -> n == 1),
                    "no rollout is in two checkpoints: " + owners);

            // distill replay re-trains v2 from v1 over v2's recorded slice and must reach the same
            // hash.
            String verdict = replay(stack, work, models, trainerProps, 2);
            assertTrue(
                    verdict.contains("recorded " + events.get(1).getSha256())
                            && verdict.contains("MATCH"),
                    verdict);
            assertEquals(
                    1,
                    verdict.lines().count(),
                    "replay's standard output is its verdict only:\n" + verdict);

            List<EvalReport> reports = reports(stack);
            assertEquals(
                    List.of(1L, 2L, 3L),
                    reports.stream().map(EvalReport::getVersion).sorted().toList());
            for (EvalReport r : reports) {
                assertEquals(8, r.getSamples());
                assertEquals(List.of(1L, 2L), r.getSeeds());
                assertTrue(r.getRougeL() >= 0 && r.getRougeL() <= 100, r.toString());
                assertTrue(r.getTokenEce() >= 0 && r.getTokenEce() <= 1, r.toString());
                assertEquals(15, r.getReliability().size());
                assertTrue(r.getRklToTeacher() != null && r.getRklToTeacher() >= 0, r.toString());
                assertTrue(
                        r.getExAccErr() != null && Double.isFinite(r.getExAccErr()), r.toString());
                assertTrue(r.getTrainMetrics().containsKey("loss"), r.toString());
            }
        }
    }

    static void createTopics(LocalStack stack) throws Exception {
        try (Admin admin = Admin.create(stack.adminClientProperties())) {
            admin.createTopics(
                            List.of(
                                    new NewTopic("distill.prompts", 2, (short) 1),
                                    new NewTopic("distill.rollouts", 2, (short) 1),
                                    new NewTopic("distill.checkpoints", 1, (short) 1),
                                    new NewTopic("distill.evaluations", 1, (short) 1),
                                    new NewTopic("distill.dead-letters", 1, (short) 1)))
                    .all()
                    .get();
        }
    }

    static Map<String, String> producerProps(LocalStack stack, Models models, Path work) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("kafka.bootstrap.servers", stack.bootstrapServers());
        p.put("distill.producer.run-id", RUN);
        p.put("distill.producer.teacher-model", models.teacher().toString());
        p.put("distill.producer.initial-student", models.student().toString());
        p.put("distill.producer.checkpoint-store", work.resolve("checkpoints").toString());
        p.put("distill.producer.registry-url", stack.registryUrl());
        p.put("distill.producer.support-k", "8");
        p.put("distill.producer.max-new-tokens", "12");
        p.put("distill.producer.batch-size", "8");
        return p;
    }

    static Map<String, String> trainerProps(LocalStack stack, Models models, Path work) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("kafka.bootstrap.servers", stack.bootstrapServers());
        p.put("distill.trainer.run-id", RUN);
        p.put("distill.trainer.initial-checkpoint", models.student().toString());
        p.put("distill.trainer.checkpoint-dir", work.resolve("checkpoints").toString());
        p.put("distill.trainer.registry-url", stack.registryUrl());
        p.put("distill.trainer.rollouts-per-round", String.valueOf(PER_ROUND));
        p.put("distill.trainer.epochs", "2");
        p.put("distill.trainer.mini-batch", "8");
        p.put("distill.trainer.learning-rate", "1e-3");
        p.put("distill.trainer.poll-timeout", "200ms");
        // These tests publish prompts ahead of the trainer (and restart it), so a rollout can be
        // sampled two versions before it is trained; with the default bound of 1 it would be
        // dropped, and "every rollout trained once" would not hold.
        p.put("distill.trainer.max-staleness", "2");
        return p;
    }

    static Map<String, String> evaluatorProps(LocalStack stack, Models models, Path work) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("kafka.bootstrap.servers", stack.bootstrapServers());
        p.put("distill.evaluator.run-id", RUN);
        p.put("distill.evaluator.held-out", models.heldOut().toString());
        p.put("distill.evaluator.tokenizer-dir", models.teacher().toString());
        p.put("distill.evaluator.teacher-model", models.teacher().toString());
        p.put("distill.evaluator.checkpoint-store", work.resolve("checkpoints").toString());
        p.put("distill.evaluator.registry-url", stack.registryUrl());
        p.put("distill.evaluator.seeds", "1,2");
        p.put("distill.evaluator.max-new-tokens", "12");
        p.put("distill.evaluator.batch-size", "8");
        p.put("kafka-streams.state.dir", work.resolve("evaluator-streams").toString());
        p.put("distill.evaluator.ex-acc-err-steps", "8");
        return p;
    }

    /**
     * distill replay of {@code version} as a process: its standard output (the verdict) and exit
     * code.
     */
    static String replay(
            LocalStack stack,
            Path work,
            Models models,
            Map<String, String> trainerProps,
            long version)
            throws Exception {
        List<String> cmd =
                new ArrayList<>(
                        List.of(
                                ProcessHandle.current().info().command().orElse("java"),
                                "-Ddistill.home=" + ROOT.toAbsolutePath(),
                                "-jar",
                                ROOT.resolve("distill-cli/target/distill-cli.jar").toString(),
                                "replay",
                                "--run",
                                RUN,
                                "--version",
                                String.valueOf(version),
                                "--bootstrap-servers",
                                stack.bootstrapServers(),
                                "--registry-url",
                                stack.registryUrl(),
                                "--checkpoint-dir",
                                work.resolve("checkpoints").toString(),
                                "--initial-checkpoint",
                                models.student().toString()));
        for (String key :
                List.of(
                        "epochs",
                        "mini-batch",
                        "learning-rate",
                        "rollouts-per-round",
                        "max-staleness")) {
            cmd.add("--set");
            cmd.add("distill.trainer." + key + "=" + trainerProps.get("distill.trainer." + key));
        }
        Path log = work.resolve("logs/replay-v" + version + ".log");
        Process rp = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        String verdict = new String(rp.getInputStream().readAllBytes());
        assertEquals(0, rp.waitFor(), verdict + Files.readString(log));
        return verdict;
    }

    static JsonNode awaitLeaderboard(String url, int checkpoints, Supplier<String> logs)
            throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r =
                    http.send(
                            HttpRequest.newBuilder(URI.create(url)).build(),
                            HttpResponse.BodyHandlers.ofString());
            last = r.statusCode() + " " + r.body();
            if (r.statusCode() == 200) {
                JsonNode standing = new ObjectMapper().readTree(r.body());
                if (standing.get("history").size() >= checkpoints) {
                    return standing;
                }
            }
            Thread.sleep(500);
        }
        throw new AssertionError(
                "the leaderboard at "
                        + url
                        + " never showed "
                        + checkpoints
                        + " checkpoints; last: "
                        + last
                        + "\n"
                        + logs.get());
    }

    /**
     * A packaged service as a process, its output appended to {@code log} (a restart continues the
     * same file).
     */
    static ServiceProcess start(String module, Map<String, String> properties, Path log)
            throws IOException {
        return ServiceProcess.of(ROOT, module).properties(properties).log(log).start();
    }

    record Models(Path teacher, Path student, Path heldOut) {}

    /** A teacher that has learnt the task, an untrained smaller student, and a held-out set. */
    static Models models(Path work, boolean gpt2) throws Exception {
        Path tokFile = work.resolve("tokenizer.json");
        Files.writeString(tokFile, CountingTask.tokenizerJson());
        try (HfTokenizer tok = HfTokenizer.load(tokFile);
                NDManager root = NDManager.newBaseManager()) {
            int vocab = tok.vocabSize();
            int eos = tok.eosId().orElseThrow();
            Path teacher = work.resolve("teacher");
            ModelConfig teacherConfig =
                    gpt2
                            ? new GptConfig(vocab, 64, 48, 2, 4, null, 1e-5, true, eos)
                                    .toModelConfig()
                            : new ModelConfig(
                                    "qwen3",
                                    vocab,
                                    vocab,
                                    64,
                                    48,
                                    2,
                                    4,
                                    2,
                                    16,
                                    96,
                                    1e-6,
                                    true,
                                    List.of(eos),
                                    null,
                                    new Rope(10000, null),
                                    false,
                                    false,
                                    true);
            ModelConfig studentConfig =
                    gpt2
                            ? new GptConfig(vocab, 64, 16, 1, 2, null, 1e-5, true, eos)
                                    .toModelConfig()
                            : new ModelConfig(
                                    "llama",
                                    vocab,
                                    vocab,
                                    64,
                                    16,
                                    1,
                                    2,
                                    1,
                                    8,
                                    32,
                                    1e-6,
                                    false,
                                    List.of(eos),
                                    null,
                                    new Rope(10000, null),
                                    false,
                                    false,
                                    false);
            try (CausalLm t = CausalLm.create(teacherConfig, root, 1);
                    LmTrainer lm =
                            new LmTrainer(
                                    t,
                                    AdamW.Settings.gpt(),
                                    new LearningRate(3e-3, 30, 400, 0.1))) {
                lm.train(
                        step -> CountingTask.batch(tok, new SplittableRandom(step), 16),
                        400,
                        l -> {},
                        null);
                lm.save(teacher, 400, 1L);
            }
            Path student = work.resolve("student");
            try (CausalLm s = CausalLm.create(studentConfig, root, 2)) {
                Checkpoints.save(
                        s, null, CheckpointManifest.of(0, null, 0, 2L, null, null), student);
            }
            Files.copy(tokFile, teacher.resolve("tokenizer.json"));
            Files.copy(tokFile, student.resolve("tokenizer.json"));
            Path heldOut = work.resolve("held-out.jsonl");
            StringBuilder lines = new StringBuilder();
            SplittableRandom rng = new SplittableRandom(99);
            for (int i = 0; i < 8; i++) {
                int[] ab = CountingTask.range(rng);
                lines.append("{\"instruction\": \"")
                        .append(CountingTask.instruction(ab[0], ab[1]))
                        .append("\", \"references\": [\"")
                        .append(CountingTask.answer(ab[0], ab[1]))
                        .append("\"]}\n");
            }
            Files.writeString(heldOut, lines);
            return new Models(teacher, student, heldOut);
        }
    }

    static long rolloutCount(LocalStack stack) {
        return records(stack, "distill.rollouts").size();
    }

    static void publishPrompts(LocalStack stack, int from, int to) {
        publishPrompts(stack, from, to, stack.adminClientProperties());
    }

    /** Publishes prompts as the client {@code client} (bootstrap and security settings). */
    static void publishPrompts(LocalStack stack, int from, int to, Map<String, Object> client) {
        Map<String, Object> p = new HashMap<>(WireFormat.serdeConfig(stack.registryUrl()));
        p.putAll(client);
        // Where only the registrar registers, the schema is already there.
        p.put(WireFormat.AUTO_REGISTER, String.valueOf(!stack.registry().writesNeedAuth()));
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, WireFormat.SERIALIZER);
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(p)) {
            for (int i = from; i < to; i++) {
                int[] ab = CountingTask.range(new SplittableRandom(5 + i));
                Prompt prompt =
                        Prompt.newBuilder()
                                .setId("prompt-" + i)
                                .setRunId(RUN)
                                .setInstruction(CountingTask.instruction(ab[0], ab[1]))
                                .setContext(null)
                                .setReferences(List.of(CountingTask.answer(ab[0], ab[1])))
                                .setSource("e2e")
                                .setCreatedAt(Instant.now())
                                .build();
                producer.send(new ProducerRecord<>("distill.prompts", prompt.getId(), prompt));
            }
        }
    }

    static List<CheckpointEvent> events(LocalStack stack) {
        return readAll(stack, "distill.checkpoints");
    }

    static List<EvalReport> reports(LocalStack stack) {
        return readAll(stack, "distill.evaluations");
    }

    static <T> List<T> readAll(LocalStack stack, String topic) {
        return PlatformEndToEndTest.<T>records(stack, topic).stream()
                .map(ConsumerRecord::value)
                .toList();
    }

    static <T> List<ConsumerRecord<String, T>> records(LocalStack stack, String topic) {
        return TopicReader.readToEnd(
                ClientConfigs.avroConsumer(
                        new KafkaConnection(
                                stack.bootstrapServers(), stack.kafka().adminClientSecurity()),
                        stack.registryUrl()),
                topic,
                Duration.ofSeconds(30));
    }

    static void await(Supplier<Boolean> condition, String what, Supplier<String> logs)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + 300_000;
        while (!condition.get()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "\n" + logs.get());
            }
            Thread.sleep(500);
        }
    }
}
