package dev.distill.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.distill.core.checkpoint.CheckpointManifest;
import dev.distill.core.checkpoint.Checkpoints;
import dev.distill.core.data.PromptTemplate;
import dev.distill.core.model.CausalLm;
import dev.distill.core.model.GptConfig;
import dev.distill.core.tokenizer.HfTokenizer;
import dev.distill.localstack.LocalStack;
import dev.distill.localstack.TopicReader;
import dev.distill.platform.kafka.ClientConfigs;
import dev.distill.platform.kafka.KafkaConnection;
import dev.distill.platform.kafka.WireFormat;
import dev.distill.platform.loop.LoopState;
import dev.distill.platform.loop.ServiceLoop;
import dev.distill.schemas.avro.CheckpointEvent;
import dev.distill.schemas.avro.DeadLetter;
import dev.distill.schemas.avro.ModelConfig;
import dev.distill.schemas.avro.Prompt;
import dev.distill.schemas.avro.Rollout;
import dev.distill.schemas.avro.RolloutKind;
import dev.distill.schemas.avro.TokenScore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The producer step in the shared loop, against the real broker and registry processes of the local
 * stack.
 */
@Tag("integration")
class ProducerStepKafkaTest {
    static final String[] WORDS = {
        "name", "a", "word", "for", "the", "colour", "of", "sky", "sea", "grass", "blue", "green",
        "red", "count", "one", "two", "three", "four", "five", "six"
    };

    static Path work;
    static LocalStack stack;
    static NDManager root;
    static Path teacherDir;
    static Path studentDir;
    static Path studentV1Dir;
    static HfTokenizer tokenizer;

    @BeforeAll
    static void setUp() throws Exception {
        work =
                Files.createDirectories(
                        Path.of("target", "producer-kafka-test-" + System.currentTimeMillis()));
        stack = LocalStack.start(LocalStack.Options.defaults().workDir(work.resolve("stack")));
        String tokenizerJson = tokenizerJson();
        Path tokFile = work.resolve("tokenizer.json");
        Files.writeString(tokFile, tokenizerJson);
        tokenizer = HfTokenizer.load(tokFile);
        int vocab = tokenizer.vocabSize();
        int eos = tokenizer.eosId().orElseThrow();
        root = NDManager.newBaseManager();
        teacherDir =
                save("teacher", new GptConfig(vocab, 64, 32, 2, 4, null, 1e-5, true, eos), 1, 0);
        studentDir =
                save("student", new GptConfig(vocab, 64, 16, 1, 2, null, 1e-5, true, eos), 2, 0);
        studentV1Dir =
                save(
                        "checkpoints/student-v1",
                        new GptConfig(vocab, 64, 16, 1, 2, null, 1e-5, true, eos),
                        3,
                        1);
        for (Path d : List.of(teacherDir, studentDir, studentV1Dir)) {
            Files.writeString(d.resolve("tokenizer.json"), tokenizerJson);
        }
    }

    /**
     * The URI of checkpoint {@code v} of {@code run} where the trainer would write it (a link to
     * student-v1 inside the store).
     */
    static String versionUri(String run, long v) throws Exception {
        Path dir =
                dev.distill.core.checkpoint.CheckpointStore.at(work.resolve("checkpoints"))
                        .versionDir(run, v)
                        .toAbsolutePath();
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir.getParent());
            Files.createSymbolicLink(dir, studentV1Dir.toAbsolutePath());
        }
        return dir.toUri().toString();
    }

    static Path save(String name, GptConfig cfg, long seed, long version) throws Exception {
        try (CausalLm m = CausalLm.create(cfg, root, seed)) {
            Path dir = work.resolve(name);
            Checkpoints.save(
                    m, null, CheckpointManifest.of(version, null, 0, seed, null, null), dir);
            return dir;
        }
    }

    @AfterAll
    static void tearDown() {
        if (stack != null) {
            stack.close();
        }
        if (tokenizer != null) {
            tokenizer.close();
        }
        if (root != null) {
            root.close();
        }
    }

    static String tokenizerJson() {
        StringBuilder vocab = new StringBuilder("\"[UNK]\": 0");
        for (int i = 0; i < WORDS.length; i++) {
            vocab.append(", \"").append(WORDS[i]).append("\": ").append(i + 1);
        }
        int eos = WORDS.length + 1;
        return "{\"version\": \"1.0\", \"truncation\": null, \"padding\": null, \"added_tokens\":"
                + " [{\"id\": "
                + eos
                + ", \"content\": \"<|endoftext|>\", \"single_word\": false, \"lstrip\": false,"
                + " \"rstrip\": false, \"normalized\": false, \"special\": true}], \"normalizer\":"
                + " null, \"pre_tokenizer\": {\"type\": \"WhitespaceSplit\"}, \"post_processor\":"
                + " null, \"decoder\": {\"type\": \"WordPiece\", \"prefix\": \"##\", \"cleanup\":"
                + " false}, \"model\": {\"type\": \"WordLevel\", \"vocab\": {"
                + vocab
                + "}, \"unk_token\": \"[UNK]\"}}";
    }

    record Topics(String prompts, String rollouts, String checkpoints, String deadLetters) {}

    static Topics topics(String test) throws Exception {
        Topics t =
                new Topics(
                        "prompts." + test,
                        "rollouts." + test,
                        "checkpoints." + test,
                        "dead-letters." + test);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            admin.createTopics(
                            List.of(
                                    new NewTopic(t.prompts(), 2, (short) 1),
                                    new NewTopic(t.rollouts(), 2, (short) 1),
                                    new NewTopic(t.checkpoints(), 1, (short) 1),
                                    new NewTopic(t.deadLetters(), 1, (short) 1)))
                    .all()
                    .get();
        }
        return t;
    }

    static ProducerSettings settings(String run, Topics t) {
        return settings(run, t, ProducerSettings.Mode.SAMPLED);
    }

    static ProducerSettings settings(String run, Topics t, ProducerSettings.Mode mode) {
        return settings(run, t, mode, teacherDir, PromptTemplate.DEFAULT);
    }

    static ProducerSettings settings(
            String run,
            Topics t,
            ProducerSettings.Mode mode,
            Path teacher,
            PromptTemplate template) {
        return new ProducerSettings(
                run,
                teacher,
                studentDir,
                work.resolve("checkpoints"),
                KafkaConnection.plaintext(stack.bootstrapServers()),
                stack.registryUrl(),
                true,
                mode,
                0.2,
                4,
                8,
                12,
                4,
                7,
                Duration.ofMillis(200),
                t.prompts(),
                t.rollouts(),
                t.checkpoints(),
                t.deadLetters(),
                java.util.UUID.randomUUID().toString(),
                template,
                8);
    }

    @Test
    void encodesPromptsWithTheConfiguredTemplate() throws Exception {
        String run = "template";
        Topics t = topics(run);
        PromptTemplate template =
                new PromptTemplate("the {instruction} of", "the {instruction} of {input} a");
        publish(
                t.prompts(),
                List.of(prompt(run, "p0", "colour sky"), prompt(run, "p1", "word sea")));
        ProducerStats stats = new ProducerStats();
        ServiceLoop loop =
                loop(settings(run, t, ProducerSettings.Mode.SAMPLED, teacherDir, template), stats);
        loop.start();
        await(
                () -> stats.rolloutsPublished.get() >= 2 || stats.loop.failure.get() != null,
                "2 rollouts");
        loop.stopAndWait(Duration.ofSeconds(30));
        assertEquals(null, stats.loop.failure.get());
        List<Rollout> rollouts = readAll(t.rollouts());
        assertEquals(2, rollouts.size());
        for (Rollout r : rollouts) {
            String instruction = r.getPromptId().equals("p0") ? "colour sky" : "word sea";
            assertEquals(
                    Arrays.stream(tokenizer.encode("the " + instruction + " of")).boxed().toList(),
                    r.getPromptTokens());
        }
    }

    @Test
    void refusesToStartWhenTeacherAndStudentDoNotShareATokenizer() throws Exception {
        String run = "tokenizers";
        Topics t = topics(run);
        Path otherTeacher =
                save(
                        "teacher-other-tokenizer",
                        new GptConfig(
                                tokenizer.vocabSize(),
                                64,
                                32,
                                1,
                                4,
                                null,
                                1e-5,
                                true,
                                tokenizer.eosId().orElseThrow()),
                        4,
                        0);
        Files.writeString(
                otherTeacher.resolve("tokenizer.json"),
                tokenizerJson().replace("\"colour\"", "\"color\""));
        ProducerStats stats = new ProducerStats();
        ServiceLoop loop =
                loop(
                        settings(
                                run,
                                t,
                                ProducerSettings.Mode.SAMPLED,
                                otherTeacher,
                                PromptTemplate.DEFAULT),
                        stats);
        loop.start();
        await(() -> stats.loop.failure.get() != null, "a start-up failure");
        loop.stopAndWait(Duration.ofSeconds(30));
        String failure = String.valueOf(stats.loop.failure.get());
        assertTrue(
                failure.contains("do not share a tokenizer")
                        && failure.contains("'color' vs 'colour'"),
                failure);
    }

    static Map<String, Object> producerProps(boolean avro) {
        Map<String, Object> p = new HashMap<>(WireFormat.serdeConfig(stack.registryUrl()));
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                avro ? WireFormat.SERIALIZER : ByteArraySerializer.class.getName());
        return p;
    }

    static Prompt prompt(String run, String id, String instruction) {
        return Prompt.newBuilder()
                .setId(id)
                .setRunId(run)
                .setInstruction(instruction)
                .setContext(null)
                .setReferences(List.of("blue"))
                .setSource("test")
                .setCreatedAt(Instant.ofEpochMilli(1))
                .build();
    }

    static void publish(String topic, List<Prompt> prompts) {
        try (KafkaProducer<String, Object> p = new KafkaProducer<>(producerProps(true))) {
            prompts.forEach(x -> p.send(new ProducerRecord<>(topic, x.getId(), x)));
        }
    }

    static <T> List<T> readAll(String topic) {
        return TopicReader.<String, T>readToEnd(
                        ClientConfigs.avroConsumer(stack.bootstrapServers(), stack.registryUrl()),
                        topic,
                        Duration.ofSeconds(30))
                .stream()
                .map(ConsumerRecord::value)
                .toList();
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        while (!condition.getAsBoolean()) {
            assertTrue(System.currentTimeMillis() < deadline, "timed out waiting for " + what);
            Thread.sleep(100);
        }
    }

    static ServiceLoop loop(ProducerSettings settings, ProducerStats stats) {
        return new ServiceLoop(
                settings.loop(), () -> new ProducerStep(settings, stats), stats.loop);
    }

    @Test
    void samplesPromptsIntoScoredRolloutsAndDeadLettersBadOnes() throws Exception {
        String run = "sample";
        Topics t = topics(run);
        List<Prompt> good = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            good.add(
                    prompt(
                            run,
                            "p" + i,
                            "name a word for the colour of the " + (i % 2 == 0 ? "sky" : "sea")));
        }
        try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(producerProps(false))) {
            raw.send(new ProducerRecord<>(t.prompts(), "garbage", "not avro at all".getBytes()));
        }
        publish(
                t.prompts(),
                List.of(
                        prompt(
                                run,
                                "long",
                                "one two three four five six one two three four five six one")));
        publish(t.prompts(), List.of(prompt("other-run", "theirs", "name a word")));
        publish(t.prompts(), good);

        ProducerStats stats = new ProducerStats();
        ServiceLoop loop = loop(settings(run, t), stats);
        loop.start();
        await(
                () ->
                        stats.rolloutsPublished.get() >= 6 && stats.loop.deadLettered.get() >= 2
                                || stats.loop.failure.get() != null,
                "6 rollouts and 2 dead letters");
        loop.stopAndWait(Duration.ofSeconds(30));
        assertEquals(null, stats.loop.failure.get());

        List<Rollout> rollouts = readAll(t.rollouts());
        assertEquals(6, rollouts.size());
        Map<String, Prompt> byId = new HashMap<>();
        good.forEach(p -> byId.put(p.getId(), p));
        for (Rollout r : rollouts) {
            Prompt p = byId.get(r.getPromptId());
            int[] expected =
                    tokenizer.encode(PromptTemplate.format(p.getInstruction(), p.getContext()));
            assertEquals(Arrays.stream(expected).boxed().toList(), r.getPromptTokens());
            assertEquals(r.getResponseTokens().size(), r.getTokens().size());
            assertTrue(r.getResponseTokens().size() >= 1 && r.getResponseTokens().size() <= 8);
            assertEquals(RolloutKind.SAMPLED, r.getKind());
            assertEquals(0.2, r.getAlpha());
            assertEquals(0, r.getBehaviourVersion());
            assertEquals(run, r.getRunId());
            for (int i = 0; i < r.getTokens().size(); i++) {
                TokenScore s = r.getTokens().get(i);
                assertTrue(s.getTeacherLogProb() <= 0 && Float.isFinite(s.getTeacherLogProb()));
                assertTrue(
                        s.getSupportIds().size() >= 4 && s.getSupportIds().size() <= 8,
                        s.toString());
                assertEquals(s.getSupportIds().size(), s.getSupportTeacherLogProbs().size());
                int sampled = r.getResponseTokens().get(i);
                int at = s.getSupportIds().indexOf(sampled);
                if (at >= 0) {
                    assertEquals(
                            s.getTeacherLogProb(),
                            s.getSupportTeacherLogProbs().get(at),
                            1e-6f,
                            "the teacher score of the sampled token agrees with its support score");
                }
            }
        }
        assertEquals(
                byId.keySet(), new HashSet<>(rollouts.stream().map(Rollout::getPromptId).toList()));
        List<DeadLetter> dead = readAll(t.deadLetters());
        assertEquals(2, dead.size(), dead.toString());
        assertTrue(
                dead.stream()
                        .anyMatch(d -> d.getError().contains("not in the Confluent wire format")),
                dead.toString());
        assertTrue(
                dead.stream().anyMatch(d -> d.getError().contains("over the limit of 12")),
                dead.toString());
    }

    @Test
    void samplesWithTheNewestPublishedStudent() throws Exception {
        String run = "hotswap";
        Topics t = topics(run);
        CheckpointManifest m = Checkpoints.readManifest(studentV1Dir).orElseThrow();
        CheckpointEvent event =
                CheckpointEvent.newBuilder()
                        .setRunId(run)
                        .setVersion(1)
                        .setStep(10)
                        .setUri(versionUri(run, 1))
                        .setSha256(m.weightsSha256())
                        .setSizeBytes(1)
                        .setModelConfig(new ModelConfig(22, 64, 16, 1, 2, "gpt2", null))
                        .setParentVersion(0L)
                        .setLineage(List.of())
                        .setConfigHash("x")
                        .setSeed(3)
                        .setTrainMetrics(Map.of())
                        .setCreatedAt(Instant.now())
                        .build();
        try (KafkaProducer<String, Object> p = new KafkaProducer<>(producerProps(true))) {
            p.send(new ProducerRecord<>(t.checkpoints(), run, event));
        }
        publish(
                t.prompts(),
                List.of(prompt(run, "q1", "count one two"), prompt(run, "q2", "count three four")));
        ProducerStats stats = new ProducerStats();
        ServiceLoop loop = loop(settings(run, t), stats);
        loop.start();
        await(
                () -> stats.rolloutsPublished.get() >= 2 || stats.loop.failure.get() != null,
                "2 rollouts");
        loop.stopAndWait(Duration.ofSeconds(30));
        List<Rollout> rollouts = readAll(t.rollouts());
        assertEquals(List.of(1L, 1L), rollouts.stream().map(Rollout::getBehaviourVersion).toList());
        assertEquals(1, stats.studentVersion.get());
    }

    @Test
    void followsOnlyTheTrainersPublishedChainAndSurvivesAnUndecodableEvent() throws Exception {
        String run = "forged";
        Topics t = topics(run);
        CheckpointManifest m = Checkpoints.readManifest(studentV1Dir).orElseThrow();
        CheckpointEvent.Builder valid =
                CheckpointEvent.newBuilder()
                        .setRunId(run)
                        .setStep(10)
                        .setUri(studentV1Dir.toAbsolutePath().toUri().toString())
                        .setSha256(m.weightsSha256())
                        .setSizeBytes(1)
                        .setModelConfig(new ModelConfig(22, 64, 16, 1, 2, "gpt2", null))
                        .setLineage(List.of())
                        .setConfigHash("x")
                        .setSeed(3)
                        .setTrainMetrics(Map.of())
                        .setCreatedAt(Instant.now());
        try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(producerProps(false))) {
            raw.send(new ProducerRecord<>(t.checkpoints(), run, "not an event".getBytes()));
        }
        try (KafkaProducer<String, Object> p = new KafkaProducer<>(producerProps(true))) {
            p.send(
                    new ProducerRecord<>(
                            t.checkpoints(),
                            run,
                            valid.setVersion(1)
                                    .setParentVersion(0L)
                                    .setUri(versionUri(run, 1))
                                    .build()));
            // forged: a huge version (its parent never published), then a jump from v1
            p.send(
                    new ProducerRecord<>(
                            t.checkpoints(),
                            run,
                            valid.setVersion(1000).setParentVersion(999L).build()));
            p.send(
                    new ProducerRecord<>(
                            t.checkpoints(),
                            run,
                            valid.setVersion(7).setParentVersion(1L).build()));
            // in the chain, but v2's weights are not what its event says, and v3 is not there
            p.send(
                    new ProducerRecord<>(
                            t.checkpoints(),
                            run,
                            valid.setVersion(2)
                                    .setParentVersion(1L)
                                    .setUri(versionUri(run, 2))
                                    .setSha256("0".repeat(64))
                                    .build()));
            p.send(
                    new ProducerRecord<>(
                            t.checkpoints(),
                            run,
                            valid.setVersion(3)
                                    .setParentVersion(2L)
                                    .setUri(studentV1Dir.resolveSibling("gone").toUri().toString())
                                    .build()));
            // on the chain, but the teacher through '..' with its true hash
            p.send(
                    new ProducerRecord<>(
                            t.checkpoints(),
                            run,
                            valid.setVersion(4)
                                    .setParentVersion(3L)
                                    .setUri(
                                            work.resolve("checkpoints").toAbsolutePath().toUri()
                                                    + "../teacher")
                                    .setSha256(
                                            Checkpoints.sha256(
                                                    teacherDir.resolve(Checkpoints.WEIGHTS)))
                                    .build()));
        }
        publish(t.prompts(), List.of(prompt(run, "f1", "count one two")));
        ProducerStats stats = new ProducerStats();
        ServiceLoop loop = loop(settings(run, t), stats);
        loop.start();
        await(
                () -> stats.rolloutsPublished.get() >= 1 || stats.loop.failure.get() != null,
                "1 rollout");
        loop.stopAndWait(Duration.ofSeconds(30));
        assertEquals(1, stats.studentVersion.get(), "v1 of the chain, not v1000, v7, v2, v3 or v4");
        assertEquals(
                List.of(1L),
                readAll(t.rollouts()).stream()
                        .map(r -> ((Rollout) r).getBehaviourVersion())
                        .toList());
        assertEquals(0, stats.loop.restarts.get(), "the follower went on");
        assertEquals(6, stats.checkpointsRejected.get());
        List<String> errors =
                ProducerStepKafkaTest.<DeadLetter>readAll(t.deadLetters()).stream()
                        .map(d -> d.getTopic() + "@" + d.getOffset() + ": " + d.getError())
                        .toList();
        assertEquals(6, errors.size(), errors.toString());
        assertTrue(
                errors.stream().anyMatch(e -> e.contains("but was announced with 0000")),
                errors.toString());
        assertTrue(errors.stream().anyMatch(e -> e.contains("contains '..'")), errors.toString());
        for (String expected :
                List.of(
                        "@0: checkpoints.forged-0@0: value is not in the Confluent wire format",
                        "@2: checkpoint event v1000 of run forged is not on the run's published"
                                + " chain: its parent v999",
                        "@3: checkpoint event v7 of run forged is not on the run's published chain:"
                                + " its parent v1",
                        "@4: not sampling with checkpoint v2 of run forged: ",
                        "@5: not sampling with checkpoint v3 of run forged: ",
                        "@6: not sampling with checkpoint v4 of run forged: checkpoint file:")) {
            assertTrue(
                    errors.stream().anyMatch(e -> e.startsWith(t.checkpoints() + expected)),
                    expected + " in " + errors);
        }
    }

    @Test
    void aFollowerThatStopsFailsTheSessionSoTheLoopRestartsIt() throws Exception {
        String run = "follower-stops";
        Topics created = topics(run);
        // Its dead letters cannot be written, so the follower stops on the undecodable event.
        Topics t =
                new Topics(
                        created.prompts(),
                        created.rollouts(),
                        created.checkpoints(),
                        "not a valid topic name!");
        try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(producerProps(false))) {
            raw.send(new ProducerRecord<>(t.checkpoints(), run, "not an event".getBytes()));
        }
        ProducerStats stats = new ProducerStats();
        ServiceLoop loop = loop(settings(run, t), stats);
        loop.start();
        await(() -> stats.loop.restarts.get() >= 1, "a restarted session");
        loop.stopAndWait(Duration.ofSeconds(30));
        assertTrue(
                String.valueOf(stats.loop.failure.get())
                        .contains("the checkpoint follower stopped: cannot dead-letter"),
                String.valueOf(stats.loop.failure.get()));
    }

    @Test
    void deadLettersAPromptTheModelsCannotTakeAndSamplesTheRestOfItsBatch() throws Exception {
        String run = "too-long";
        Topics t = topics(run);
        ProducerSettings lenient = settings(run, t);
        // A limit above the models' 64 positions, so a long prompt passes the checks and only
        // sampling finds out.
        ProducerSettings s =
                new ProducerSettings(
                        lenient.runId(),
                        lenient.teacher(),
                        lenient.initialStudent(),
                        lenient.checkpointStore(),
                        lenient.kafka(),
                        lenient.registryUrl(),
                        lenient.registerSchemas(),
                        lenient.mode(),
                        lenient.alpha(),
                        lenient.supportK(),
                        lenient.maxNewTokens(),
                        500,
                        lenient.batchSize(),
                        lenient.seed(),
                        lenient.pollTimeout(),
                        lenient.promptsTopic(),
                        lenient.rolloutsTopic(),
                        lenient.checkpointsTopic(),
                        lenient.deadLettersTopic(),
                        lenient.instanceId(),
                        lenient.promptTemplate(),
                        lenient.promptsPerTransaction());
        String longInstruction = String.join(" ", java.util.Collections.nCopies(80, "sky"));
        publish(
                t.prompts(),
                List.of(
                        prompt(run, "ok1", "name a word for the sky"),
                        prompt(run, "long", longInstruction),
                        prompt(run, "ok2", "name a word for the sea")));
        ProducerStats stats = new ProducerStats();
        ServiceLoop loop = loop(s, stats);
        loop.start();
        await(
                () ->
                        stats.rolloutsPublished.get() >= 2 && stats.loop.deadLettered.get() >= 1
                                || stats.loop.state.get() == LoopState.FAILED,
                "2 rollouts and 1 dead letter");
        loop.stopAndWait(Duration.ofSeconds(30));
        assertEquals(0, stats.loop.restarts.get(), "the batch did not fail the session");
        assertEquals(
                List.of("ok1", "ok2"),
                readAll(t.rollouts()).stream()
                        .map(r -> ((Rollout) r).getPromptId())
                        .sorted()
                        .toList());
        List<DeadLetter> dead = readAll(t.deadLetters());
        assertEquals(1, dead.size());
        assertTrue(
                dead.get(0).getError().toString().contains("exceeds the model's 64 positions"),
                dead.get(0).getError().toString());
    }

    @Test
    void seqKdModePublishesTeacherSamples() throws Exception {
        String run = "seqkd";
        Topics t = topics(run);
        publish(t.prompts(), List.of(prompt(run, "s1", "name a word for the sky")));
        ProducerStats stats = new ProducerStats();
        ServiceLoop loop = loop(settings(run, t, ProducerSettings.Mode.TEACHER), stats);
        loop.start();
        await(
                () -> stats.rolloutsPublished.get() >= 1 || stats.loop.failure.get() != null,
                "1 rollout");
        loop.stopAndWait(Duration.ofSeconds(30));
        Rollout r = ProducerStepKafkaTest.<Rollout>readAll(t.rollouts()).get(0);
        assertEquals(RolloutKind.TEACHER, r.getKind());
        assertEquals(1.0, r.getAlpha(), "teacher samples: the mix is all teacher");
    }

    @Test
    void kdModeScoresTheReferenceTeacherForced() throws Exception {
        String run = "kd";
        Topics t = topics(run);
        publish(t.prompts(), List.of(prompt(run, "k1", "name a word for the colour of the sky")));
        ProducerStats stats = new ProducerStats();
        ServiceLoop loop = loop(settings(run, t, ProducerSettings.Mode.REFERENCE), stats);
        loop.start();
        await(
                () -> stats.rolloutsPublished.get() >= 1 || stats.loop.failure.get() != null,
                "1 rollout");
        loop.stopAndWait(Duration.ofSeconds(30));
        Rollout r = ProducerStepKafkaTest.<Rollout>readAll(t.rollouts()).get(0);
        assertEquals(RolloutKind.REFERENCE, r.getKind());
        int[] blue = tokenizer.encode("blue");
        assertEquals(
                List.of(blue[0], tokenizer.eosId().orElseThrow()),
                r.getResponseTokens(),
                "the reference response and its end, not a sample");
        assertEquals(2, r.getTokens().size());
        assertTrue(
                r.getTokens().stream()
                        .allMatch(
                                s -> s.getSupportIds().size() >= 4 && s.getTeacherLogProb() <= 0));
    }

    @Test
    void twoInstancesShareThePromptsWithoutDuplicates() throws Exception {
        String run = "group";
        Topics t = topics(run);
        ProducerStats a = new ProducerStats();
        ProducerStats b = new ProducerStats();
        ServiceLoop la = loop(settings(run, t), a);
        ServiceLoop lb = loop(settings(run, t), b);
        la.start();
        lb.start();
        await(
                () ->
                        a.loop.state.get() == LoopState.RUNNING
                                && b.loop.state.get() == LoopState.RUNNING,
                "both instances running");
        Thread.sleep(4000); // let the group settle on one partition each
        List<Prompt> prompts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            prompts.add(prompt(run, "g" + i, "name a word for " + WORDS[i % WORDS.length]));
        }
        publish(t.prompts(), prompts);
        await(() -> a.rolloutsPublished.get() + b.rolloutsPublished.get() >= 20, "20 rollouts");
        la.stop();
        lb.stop();
        la.stopAndWait(Duration.ofSeconds(30));
        lb.stopAndWait(Duration.ofSeconds(30));
        List<Rollout> rollouts = readAll(t.rollouts());
        Set<String> ids = new HashSet<>(rollouts.stream().map(Rollout::getPromptId).toList());
        assertEquals(20, rollouts.size(), "every prompt once");
        assertEquals(20, ids.size(), "no prompt twice");
        assertTrue(
                a.rolloutsPublished.get() > 0 && b.rolloutsPublished.get() > 0,
                "both instances took a share: "
                        + a.rolloutsPublished.get()
                        + " / "
                        + b.rolloutsPublished.get());
    }
}
