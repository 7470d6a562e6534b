package dev.distill.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.distill.core.checkpoint.CheckpointManifest;
import dev.distill.core.checkpoint.Checkpoints;
import dev.distill.core.data.Rollout;
import dev.distill.core.generation.TeacherMixedSampler;
import dev.distill.core.model.CausalLm;
import dev.distill.core.model.GptConfig;
import dev.distill.core.objective.Objective;
import dev.distill.core.objective.ObjectiveConfig;
import dev.distill.core.train.CorpusTeacherScores;
import dev.distill.localstack.LocalStack;
import dev.distill.localstack.TopicReader;
import dev.distill.platform.codec.RolloutCodec;
import dev.distill.platform.kafka.ClientConfigs;
import dev.distill.platform.kafka.KafkaConnection;
import dev.distill.platform.kafka.WireFormat;
import dev.distill.platform.loop.LoopSettings;
import dev.distill.platform.loop.LoopState;
import dev.distill.platform.loop.ServiceLoop;
import dev.distill.schemas.avro.CheckpointEvent;
import dev.distill.schemas.avro.DeadLetter;
import dev.distill.schemas.avro.OffsetRange;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
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

/** The trainer loop against the real broker and registry processes of the local stack. */
@Tag("integration")
class TrainerStepKafkaTest {
    static final int VOCAB = 22;
    static final String CHECKPOINTS = "distill.checkpoints";
    static final String DEAD_LETTERS = "distill.dead-letters";

    static Path work;
    static LocalStack stack;
    static NDManager root;
    static CausalLm teacher;
    static CausalLm studentInit;
    static Path initDir;

    @BeforeAll
    static void startStack() throws Exception {
        work =
                Files.createDirectories(
                        Path.of("target", "trainer-kafka-test-" + System.currentTimeMillis()));
        stack = LocalStack.start(LocalStack.Options.defaults().workDir(work.resolve("stack")));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            admin.createTopics(
                            List.of(
                                    new NewTopic(CHECKPOINTS, 1, (short) 1),
                                    new NewTopic(DEAD_LETTERS, 1, (short) 1)))
                    .all()
                    .get();
        }
        root = NDManager.newBaseManager();
        teacher =
                CausalLm.create(new GptConfig(VOCAB, 32, 16, 1, 2, null, 1e-5, true, 21), root, 1);
        studentInit =
                CausalLm.create(new GptConfig(VOCAB, 32, 16, 1, 2, null, 1e-5, true, 21), root, 2);
        initDir = work.resolve("student-init");
        Checkpoints.save(
                studentInit, null, CheckpointManifest.of(0, null, 0, 2L, null, null), initDir);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
        if (root != null) {
            root.close();
        }
    }

    /**
     * Each test has its own rollouts topic (two partitions), so lineage counts only its own
     * records.
     */
    static String rolloutsTopic(String runId) throws Exception {
        return rolloutsTopic(runId, 2);
    }

    static String rolloutsTopic(String runId, int partitions) throws Exception {
        String topic = "distill.rollouts." + runId;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            if (!admin.listTopics().names().get().contains(topic)) {
                admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
            }
        }
        return topic;
    }

    static TrainerSettings settings(String runId, int maxRounds) throws Exception {
        return new TrainerSettings(
                runId,
                work.resolve("checkpoints"),
                initDir,
                KafkaConnection.plaintext(stack.bootstrapServers()),
                stack.registryUrl(),
                true,
                rolloutsTopic(runId),
                CHECKPOINTS,
                DEAD_LETTERS,
                ObjectiveConfig.defaults(Objective.MINILLM),
                2,
                4,
                8,
                1e-3,
                2,
                7,
                maxRounds,
                Duration.ofMillis(200),
                null);
    }

    /**
     * The same settings with MiniLLM's L_pt term on {@code corpus}, from a copy of the initial
     * checkpoint with a tokenizer.
     */
    static TrainerSettings withPretrain(TrainerSettings s, Path corpus) throws Exception {
        return withPretrain(s, TrainerSettings.Pretrain.plain(corpus, 1.0, 8));
    }

    static TrainerSettings withPretrain(TrainerSettings s, TrainerSettings.Pretrain pretrain)
            throws Exception {
        Path init = work.resolve("student-init-with-tokenizer");
        if (!Files.isDirectory(init)) {
            Files.createDirectories(init);
            try (Stream<Path> files = Files.list(initDir)) {
                for (Path f : files.toList()) {
                    Files.copy(f, init.resolve(f.getFileName()));
                }
            }
            StringBuilder vocab = new StringBuilder();
            for (int i = 0; i < 21; i++) {
                vocab.append(i == 0 ? "" : ", ").append("\"w").append(i).append("\": ").append(i);
            }
            Files.writeString(
                    init.resolve("tokenizer.json"),
                    "{\"version\": \"1.0\", \"truncation\": null, \"padding\": null,"
                        + " \"added_tokens\": [{\"id\": 21, \"content\": \"<|endoftext|>\","
                        + " \"single_word\": false, \"lstrip\": false, \"rstrip\": false,"
                        + " \"normalized\": false, \"special\": true}], \"normalizer\": null,"
                        + " \"pre_tokenizer\": {\"type\": \"WhitespaceSplit\"}, \"post_processor\":"
                        + " null, \"decoder\": null, \"model\": {\"type\": \"WordLevel\","
                        + " \"vocab\": {\"[UNK]\": 0, "
                            + vocab.substring(vocab.indexOf(",") + 2)
                            + "}, \"unk_token\": \"[UNK]\"}}");
        }
        return new TrainerSettings(
                s.runId(),
                s.checkpointRoot(),
                init,
                s.kafka(),
                s.registryUrl(),
                s.registerSchemas(),
                s.rolloutsTopic(),
                s.checkpointsTopic(),
                s.deadLettersTopic(),
                s.objective(),
                s.epochs(),
                s.miniBatchSize(),
                s.rolloutsPerRound(),
                s.learningRate(),
                s.maxStaleness(),
                s.seed(),
                s.maxRounds(),
                s.pollTimeout(),
                pretrain);
    }

    static List<Rollout> rollouts(String runId, int n, long seed) {
        List<TeacherMixedSampler.Prompt> prompts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            prompts.add(
                    new TeacherMixedSampler.Prompt(
                            runId + "-p" + seed + "-" + i,
                            new int[] {i % 20, (i + 3) % 20, 20},
                            seed * 1000 + i));
        }
        return TeacherMixedSampler.sample(
                teacher,
                studentInit,
                0,
                runId,
                prompts,
                new TeacherMixedSampler.Config(0.2, 6, 4, 21, "random-teacher"));
    }

    static void publish(String topic, List<Rollout> rollouts) {
        Map<String, Object> p = new HashMap<>(WireFormat.serdeConfig(stack.registryUrl()));
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, WireFormat.SERIALIZER);
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(p)) {
            for (Rollout r : rollouts) {
                producer.send(
                        new ProducerRecord<>(
                                topic,
                                r.promptId(),
                                RolloutCodec.toAvro(r, java.time.Instant.ofEpochMilli(0))));
            }
        }
    }

    static void publishGarbage(String topic, String key) {
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(
                        Map.of(
                                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                                        StringSerializer.class.getName(),
                                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                                        ByteArraySerializer.class.getName()))) {
            producer.send(new ProducerRecord<>(topic, key, "this is not avro".getBytes()));
        }
    }

    static <T> List<ConsumerRecord<String, T>> readAll(String topic, boolean avro) {
        return TopicReader.readToEnd(
                avro
                        ? ClientConfigs.avroConsumer(stack.bootstrapServers(), stack.registryUrl())
                        : ClientConfigs.bytesConsumer(stack.bootstrapServers(), null, 500, 300_000),
                topic,
                Duration.ofSeconds(30));
    }

    static List<CheckpointEvent> events(String runId) {
        List<CheckpointEvent> out = new ArrayList<>();
        for (ConsumerRecord<String, CheckpointEvent> r :
                TrainerStepKafkaTest.<CheckpointEvent>readAll(CHECKPOINTS, true)) {
            if (r.key().equals(runId)) {
                out.add(r.value());
            }
        }
        return out;
    }

    static TrainerStats run(TrainerSettings settings, TrainerStats stats)
            throws InterruptedException {
        return run(settings, stats, () -> {});
    }

    /** No restart in process: a failure ends the loop, as a crash ends the process. */
    static final LoopSettings.Restart CRASH =
            new LoopSettings.Restart(1, Duration.ZERO, Duration.ZERO);

    static TrainerStats run(TrainerSettings settings, TrainerStats stats, Runnable beforeCommit)
            throws InterruptedException {
        return run(settings, stats, beforeCommit, CRASH);
    }

    static TrainerStats run(
            TrainerSettings settings,
            TrainerStats stats,
            Runnable beforeCommit,
            LoopSettings.Restart restart)
            throws InterruptedException {
        ServiceLoop loop =
                new ServiceLoop(
                        settings.loop().withRestart(restart),
                        () -> new TrainerStep(settings, stats, beforeCommit),
                        stats.loop);
        loop.start();
        assertTrue(loop.awaitEnd(Duration.ofMinutes(3)), "trainer loop did not finish");
        return stats;
    }

    /**
     * Every offset of every trained round appears in exactly one lineage range, from 0 without
     * gaps.
     */
    static long assertContiguousLineage(List<CheckpointEvent> events) {
        Map<Integer, Long> next = new HashMap<>();
        long covered = 0;
        for (CheckpointEvent e : events) {
            for (OffsetRange r : e.getLineage()) {
                assertEquals(
                        (long) next.getOrDefault(r.getPartition(), 0L),
                        r.getFromOffset(),
                        "lineage of v"
                                + e.getVersion()
                                + " must continue where the previous checkpoint stopped");
                next.put(r.getPartition(), r.getToOffset() + 1);
                covered += r.getToOffset() - r.getFromOffset() + 1;
            }
        }
        return covered;
    }

    @Test
    void publishesCheckpointsWithLineageAndDeadLettersPoisonRecords() throws Exception {
        String run = "lineage";
        String topic = rolloutsTopic(run);
        publishGarbage(topic, run + "-garbage");
        List<Rollout> nan = rollouts(run, 1, 99);
        nan.get(0).teacherLogProbs()[0] = Float.NaN;
        publish(topic, nan);
        List<Rollout> oov = rollouts(run, 1, 98);
        oov.get(0).responseTokens()[0] = VOCAB + 5; // a token id the student does not have
        publish(topic, oov);
        publish(
                topic,
                rollouts(
                        "another-run",
                        1,
                        5)); // shared topics carry other runs: skipped, not dead-lettered
        publish(topic, rollouts(run, 16, 1));

        TrainerStats stats = new TrainerStats();
        run(settings(run, 2), stats);
        assertEquals(
                LoopState.STOPPED,
                stats.loop.state.get(),
                String.valueOf(stats.loop.failure.get()));
        List<CheckpointEvent> events = events(run);
        assertEquals(List.of(1L, 2L), events.stream().map(CheckpointEvent::getVersion).toList());
        assertEquals(0L, events.get(0).getParentVersion());
        assertEquals(1L, events.get(1).getParentVersion());
        for (CheckpointEvent e : events) {
            Path dir = Path.of(URI.create(e.getUri()));
            assertEquals(Checkpoints.sha256(dir.resolve(Checkpoints.WEIGHTS)), e.getSha256());
            assertEquals(Files.size(dir.resolve(Checkpoints.WEIGHTS)), e.getSizeBytes());
            assertTrue(
                    e.getTrainMetrics().get("loss").isNaN() == false,
                    e.getTrainMetrics().toString());
        }
        assertEquals(
                20,
                assertContiguousLineage(events),
                "16 rollouts, 3 poison records, 1 of another run: each in one round");
        assertEquals(
                16.0, events.stream().mapToDouble(e -> e.getTrainMetrics().get("rollouts")).sum());

        List<DeadLetter> dead = new ArrayList<>();
        for (ConsumerRecord<String, DeadLetter> r :
                TrainerStepKafkaTest.<DeadLetter>readAll(DEAD_LETTERS, true)) {
            if (r.value().getTopic().equals(topic)) {
                dead.add(r.value());
            }
        }
        assertEquals(3, dead.size(), dead.toString());
        assertTrue(
                dead.stream()
                        .anyMatch(
                                d ->
                                        d.getError()
                                                .contains(
                                                        "response token id 27 is outside the"
                                                                + " vocabulary of 22")),
                dead.toString());
        assertTrue(
                dead.stream()
                        .anyMatch(d -> d.getError().contains("teacher log-prob at token 0 is NaN")),
                dead.toString());
        assertTrue(
                dead.stream()
                        .anyMatch(
                                d ->
                                        new String(d.getPayload().array())
                                                        .equals("this is not avro")
                                                && d.getError()
                                                        .contains(
                                                                "not in the Confluent wire"
                                                                        + " format")),
                dead.toString());
        assertEquals(3, stats.loop.deadLettered.get());
        assertEquals(16, stats.rolloutsTrained.get());

        Replay.Result replay = Replay.run(settings(run, 2), 2, work.resolve("replay-lineage"));
        assertTrue(replay.matches(), replay.describe());
        assertEquals(8, replay.rollouts());
        TrainerSettings other = settings(run, 2);
        TrainerSettings otherSeed =
                with(other, other.learningRate(), other.maxStaleness(), other.seed() + 1);
        Replay.Result refused = Replay.run(otherSeed, 2, work.resolve("replay-other"));
        assertTrue(
                !refused.matches() && refused.problem().contains("configuration differs"),
                refused.describe());
    }

    @Test
    void trainsThePretrainingTermWithTheTeachersShareAndReplaysIt() throws Exception {
        String run = "pretrain";
        Path corpus = work.resolve("corpus.txt");
        Files.writeString(
                corpus,
                "w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12\nw3 w5 w7 w9\n\nw20 w19 w18 w17 w16 w15\n");
        // The teacher's offline scores of the corpus, on the windows the trainer cuts (distill
        // score-corpus).
        TrainerSettings plain = withPretrain(settings(run, 2), corpus);
        Path scores = work.resolve("corpus-teacher-scores.bin.gz");
        CorpusTeacherScores.compute(
                        teacher,
                        "random-teacher",
                        plain.loadPretrain(studentInit.config()),
                        4,
                        8,
                        n -> {})
                .write(scores);
        TrainerSettings withTeacher =
                withPretrain(
                        settings(run, 2),
                        new TrainerSettings.Pretrain(corpus, 1.0, 8, 0.5, scores));
        publish(rolloutsTopic(run), rollouts(run, 16, 3));
        TrainerStats stats = new TrainerStats();
        run(withTeacher, stats);
        assertEquals(
                LoopState.STOPPED,
                stats.loop.state.get(),
                String.valueOf(stats.loop.failure.get()));
        List<CheckpointEvent> events = events(run);
        assertEquals(List.of(1L, 2L), events.stream().map(CheckpointEvent::getVersion).toList());
        for (CheckpointEvent e : events) {
            Double pt = e.getTrainMetrics().get("pt");
            Double distil = e.getTrainMetrics().get("pt_distil");
            assertTrue(
                    pt != null && pt > 0 && Double.isFinite(pt), "L_pt in " + e.getTrainMetrics());
            assertTrue(
                    distil != null && distil > 0 && Double.isFinite(distil),
                    "the teacher's half in " + e.getTrainMetrics());
            Double gap = e.getTrainMetrics().get("support_gap");
            assertTrue(
                    gap != null && gap >= 0 && Double.isFinite(gap),
                    "the support-set gap in " + e.getTrainMetrics());
        }

        Replay.Result replay = Replay.run(withTeacher, 2, work.resolve("replay-pretrain"));
        assertTrue(replay.matches(), replay.describe());
        // Plain language modelling is another objective: replay refuses it.
        Replay.Result asPlain = Replay.run(plain, 2, work.resolve("replay-pretrain-plain"));
        assertTrue(
                !asPlain.matches()
                        && asPlain.problem() != null
                        && asPlain.problem().contains("configuration differs"),
                asPlain.describe());
        // Without the corpus the objective differs (no L_pt): replay must refuse rather than report
        // a mismatch.
        Replay.Result without =
                Replay.run(settings(run, 2), 2, work.resolve("replay-pretrain-without"));
        assertTrue(
                !without.matches()
                        && without.problem() != null
                        && without.problem().contains("configuration differs"),
                without.describe());
    }

    @Test
    void replayRefusesAnotherPretrainingCorpusInsteadOfReportingAMismatch() throws Exception {
        String run = "pretrain-corpus";
        Path corpus = work.resolve("corpus-a.txt");
        Files.writeString(corpus, "w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12\nw3 w5 w7 w9\n");
        Path other = work.resolve("corpus-b.txt");
        Files.writeString(other, "w12 w11 w10 w9 w8 w7 w6 w5 w4 w3 w2 w1\nw9 w7 w5 w3\n");
        publish(rolloutsTopic(run), rollouts(run, 8, 4));
        TrainerStats stats = run(withPretrain(settings(run, 1), corpus), new TrainerStats());
        assertEquals(
                LoopState.STOPPED,
                stats.loop.state.get(),
                String.valueOf(stats.loop.failure.get()));

        Replay.Result same =
                Replay.run(
                        withPretrain(settings(run, 1), corpus), 1, work.resolve("replay-corpus-a"));
        assertTrue(same.matches(), same.describe());
        Replay.Result changed =
                Replay.run(
                        withPretrain(settings(run, 1), other), 1, work.resolve("replay-corpus-b"));
        assertTrue(
                changed.problem() != null && changed.problem().contains("configuration differs"),
                "another L_pt corpus must be refused (exit 4), not replayed to a MISMATCH: "
                        + changed.describe());
        Replay.Result window =
                Replay.run(
                        withPretrain(
                                settings(run, 1), TrainerSettings.Pretrain.plain(corpus, 1.0, 6)),
                        1,
                        work.resolve("replay-window"));
        assertTrue(
                window.problem() != null && window.problem().contains("configuration differs"),
                "another window length too: " + window.describe());
    }

    @Test
    void checkpointEventsUseTheConfluentWireFormat() throws Exception {
        String run = "wire";
        publish(rolloutsTopic(run), rollouts(run, 8, 2));
        run(settings(run, 1), new TrainerStats());
        ConsumerRecord<String, byte[]> raw =
                TrainerStepKafkaTest.<byte[]>readAll(CHECKPOINTS, false).stream()
                        .filter(r -> r.key().equals(run))
                        .findFirst()
                        .orElseThrow();
        ByteBuffer bytes = ByteBuffer.wrap(raw.value());
        assertEquals(0, bytes.get(), "magic byte");
        int id = bytes.getInt();
        HttpResponse<String> schema =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        stack.confluentUrl()
                                                                + "/schemas/ids/"
                                                                + id))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, schema.statusCode(), schema.body());
        assertTrue(schema.body().contains("CheckpointEvent"), schema.body());
        assertTrue(
                raw.headers().toArray().length == 0,
                "no Apicurio headers: the id travels in the payload");
    }

    @Test
    void aCrashBeforeCommitRetrainsTheSameRolloutsToTheSameWeights() throws Exception {
        String run = "crash";
        publish(rolloutsTopic(run), rollouts(run, 16, 3));
        AtomicInteger commits = new AtomicInteger();
        TrainerStats crashed = new TrainerStats();
        run(
                settings(run, 2),
                crashed,
                () -> {
                    if (commits.incrementAndGet() == 2) {
                        throw new IllegalStateException(
                                "simulated crash after writing checkpoint v2, before committing"
                                        + " it");
                    }
                });
        assertEquals(LoopState.FAILED, crashed.loop.state.get());
        assertEquals(List.of(1L), events(run).stream().map(CheckpointEvent::getVersion).toList());
        Path runDir = work.resolve("checkpoints").resolve(run);
        String unpublishedSha =
                Checkpoints.readManifest(runDir.resolve("v2")).orElseThrow().weightsSha256();

        TrainerStats restarted = new TrainerStats();
        run(settings(run, 1), restarted);
        List<CheckpointEvent> events = events(run);
        assertEquals(
                List.of(1L, 2L),
                events.stream().map(CheckpointEvent::getVersion).toList(),
                "v2 published once");
        assertEquals(16, assertContiguousLineage(events), "every rollout trained exactly once");
        assertEquals(
                unpublishedSha,
                events.get(1).getSha256(),
                "re-training the same slice gives the same weights");
        try (Stream<Path> aside = Files.list(runDir)) {
            assertEquals(
                    1,
                    aside.filter(p -> p.getFileName().toString().startsWith("v2.unpublished-"))
                            .count());
        }
    }

    @Test
    void refusesToStartARunOverWhenItsCommittedOffsetsAreGoneButItsCheckpointsArePublished()
            throws Exception {
        String run = "expired";
        String topic = rolloutsTopic(run);
        publish(topic, rollouts(run, 8, 41));
        TrainerStats first = run(settings(run, 1), new TrainerStats());
        assertEquals(1, first.version.get(), String.valueOf(first.loop.failure.get()));
        // as when the broker expires an idle group's offsets
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            admin.deleteConsumerGroups(List.of("distill-trainer-" + run)).all().get();
        }
        TrainerStats again = run(settings(run, 2), new TrainerStats());
        assertEquals(LoopState.FAILED, again.loop.state.get());
        String failure = again.loop.failure.get();
        assertTrue(
                failure.contains("run expired has published checkpoints v1..v1")
                        && failure.contains("refusing to start the run over at v0"),
                failure);
        assertEquals(List.of(1L), events(run).stream().map(CheckpointEvent::getVersion).toList());
    }

    @Test
    void refusesToResumeFromACommittedVersionWhoseCheckpointIsMissingAndNamesIt() throws Exception {
        String run = "ghost";
        String topic = rolloutsTopic(run);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            admin.alterConsumerGroupOffsets(
                            "distill-trainer-" + run,
                            Map.of(
                                    new org.apache.kafka.common.TopicPartition(topic, 0),
                                    new org.apache.kafka.clients.consumer.OffsetAndMetadata(
                                            0, "v=3;sha=abc")))
                    .all()
                    .get();
        }
        TrainerStats stats = run(settings(run, 1), new TrainerStats());
        assertEquals(LoopState.FAILED, stats.loop.state.get());
        String failure = stats.loop.failure.get();
        assertTrue(
                failure.startsWith("committed offsets name checkpoint v3 of run ghost but "),
                failure);
    }

    @Test
    void aFailedCommitIsRetriedInProcessAndRetrainsTheSameRolloutsToTheSameWeights()
            throws Exception {
        String run = "retry";
        publish(rolloutsTopic(run), rollouts(run, 16, 3));
        AtomicInteger commits = new AtomicInteger();
        AtomicReference<String> unpublishedSha = new AtomicReference<>();
        Path runDir = work.resolve("checkpoints").resolve(run);
        TrainerStats stats =
                run(
                        settings(run, 2),
                        new TrainerStats(),
                        () -> {
                            if (commits.incrementAndGet() == 2) {
                                unpublishedSha.set(sha(runDir.resolve("v2")));
                                throw new IllegalStateException(
                                        "simulated broker outage while committing checkpoint v2");
                            }
                        },
                        new LoopSettings.Restart(
                                3, Duration.ofMillis(100), Duration.ofMillis(200)));
        assertEquals(
                LoopState.STOPPED,
                stats.loop.state.get(),
                String.valueOf(stats.loop.failure.get()));
        assertEquals(1, stats.loop.restarts.get(), "one session failed and was started over");
        List<CheckpointEvent> events = events(run);
        assertEquals(List.of(1L, 2L), events.stream().map(CheckpointEvent::getVersion).toList());
        assertEquals(16, assertContiguousLineage(events), "every rollout trained exactly once");
        assertEquals(
                unpublishedSha.get(),
                events.get(1).getSha256(),
                "the restarted session re-trained v2 from v1 to the same weights");
    }

    @Test
    void deadLettersARolloutLongerThanTheStudentsContextAndKeepsTraining() throws Exception {
        String run = "oversize";
        String topic = rolloutsTopic(run);
        Rollout r = rollouts(run, 1, 97).get(0);
        int[] longPrompt = new int[40]; // the test student has 32 positions
        Rollout tooLong = copy(r, r.rolloutId(), r.promptId(), longPrompt, r.behaviourVersion());
        publish(topic, List.of(tooLong));
        publish(topic, rollouts(run, 8, 2));

        TrainerStats stats = run(settings(run, 1), new TrainerStats());
        assertEquals(
                LoopState.STOPPED,
                stats.loop.state.get(),
                String.valueOf(stats.loop.failure.get()));
        assertEquals(List.of(1L), events(run).stream().map(CheckpointEvent::getVersion).toList());
        assertEquals(8, stats.rolloutsTrained.get());
        assertEquals(1, stats.loop.deadLettered.get());
        DeadLetter dead =
                TrainerStepKafkaTest.<DeadLetter>readAll(DEAD_LETTERS, true).stream()
                        .map(ConsumerRecord::value)
                        .filter(d -> d.getTopic().equals(topic))
                        .findFirst()
                        .orElseThrow();
        assertTrue(
                dead.getError().contains("exceeds the student's n_positions 32"), dead.getError());
    }

    @Test
    void deadLettersRolloutsFromAnUnpublishedVersionAndDuplicateRolloutIdsAndReplaysTheRound()
            throws Exception {
        String run = "trust";
        String topic = rolloutsTopic(run, 1); // one partition: rounds follow the publish order
        List<Rollout> good = rollouts(run, 14, 6);
        Rollout r = rollouts(run, 1, 96).get(0);
        Rollout future = copy(r, r.rolloutId(), r.promptId(), r.promptTokens(), 1000);
        // Round 1: 4 good, the duplicate, the future one, 2 good; round 2: the other 8.
        publish(topic, good.subList(0, 4));
        publish(topic, List.of(good.get(3))); // the same rollout again, after it in its partition
        publish(topic, List.of(future));
        publish(topic, good.subList(4, 14));

        TrainerStats stats = run(settings(run, 2), new TrainerStats());
        assertEquals(
                LoopState.STOPPED,
                stats.loop.state.get(),
                String.valueOf(stats.loop.failure.get()));
        assertEquals(14, stats.rolloutsTrained.get());
        List<String> errors =
                TrainerStepKafkaTest.<DeadLetter>readAll(DEAD_LETTERS, true).stream()
                        .map(ConsumerRecord::value)
                        .filter(d -> d.getTopic().equals(topic))
                        .map(d -> d.getError().toString())
                        .toList();
        assertEquals(2, errors.size(), errors.toString());
        assertTrue(
                errors.stream().anyMatch(e -> e.contains("claims student v1000")),
                errors.toString());
        assertTrue(
                errors.stream()
                        .anyMatch(
                                e ->
                                        e.startsWith(
                                                "duplicate rollout id " + good.get(3).rolloutId())),
                errors.toString());
        for (long v = 1; v <= 2; v++) {
            Replay.Result replay =
                    Replay.run(settings(run, 2), v, work.resolve("replay-trust-" + v));
            assertTrue(replay.matches(), replay.describe());
        }
    }

    @Test
    void aRolloutThatBreaksTheLossIsDeadLetteredAndTheRoundTrainsOnTheRestAndReplays()
            throws Exception {
        String run = "breaks-loss";
        String topic = rolloutsTopic(run, 1);
        List<Rollout> round = rollouts(run, 8, 11);
        // Finite, so it passes validation; its importance ratio overflows and the loss is not.
        Rollout bad = round.get(5);
        java.util.Arrays.fill(bad.behaviourLogProbs(), -3e38f);
        publish(topic, round);

        TrainerStats stats = run(settings(run, 1), new TrainerStats());
        assertEquals(
                LoopState.STOPPED,
                stats.loop.state.get(),
                String.valueOf(stats.loop.failure.get()));
        assertEquals(0, stats.loop.restarts.get(), "isolated in the session, not by restarting");
        assertEquals(7, stats.rolloutsTrained.get());
        assertEquals(1, stats.loop.deadLettered.get());
        List<DeadLetter> dead = deadLetters(topic);
        assertEquals(1, dead.size(), dead.toString());
        assertEquals(
                bad.promptId(),
                java.nio.charset.StandardCharsets.UTF_8.decode(dead.get(0).getKey()).toString());
        assertTrue(
                dead.get(0)
                        .getError()
                        .startsWith("rollout " + bad.rolloutId() + " cannot be trained: its loss"),
                dead.get(0).getError());
        Replay.Result replay = Replay.run(settings(run, 1), 1, work.resolve("replay-breaks"));
        assertTrue(replay.matches(), replay.describe());
        assertEquals(7, replay.rollouts());
    }

    @Test
    void aRoundThatDivergesWithoutABadRolloutStillFailsTheSession() throws Exception {
        String run = "diverges";
        String topic = rolloutsTopic(run, 1);
        publish(topic, rollouts(run, 8, 12));
        TrainerSettings s = settings(run, 1);
        TrainerSettings huge = with(s, 1e30, s.maxStaleness(), s.seed());
        TrainerStats stats = run(huge, new TrainerStats());
        assertEquals(LoopState.FAILED, stats.loop.state.get());
        assertTrue(
                String.valueOf(stats.loop.failure.get()).contains("loss is"),
                String.valueOf(stats.loop.failure.get()));
        assertEquals(List.of(), deadLetters(topic), "no rollout is to blame");
        assertEquals(List.of(), events(run));
    }

    @Test
    void aPromptIdIsTrainedOncePerRunAcrossRoundsAndRestartsAndReplaysTheSame() throws Exception {
        String run = "once";
        String topic = rolloutsTopic(run, 1);
        List<Rollout> first = rollouts(run, 8, 21);
        publish(topic, first);
        TrainerStats stats = run(settings(run, 1), new TrainerStats());
        assertEquals(8, stats.rolloutsTrained.get(), String.valueOf(stats.loop.failure.get()));

        // Round 2, read by a restarted trainer: two prompts of round 1 sampled again (another
        // rollout id), then one new prompt twice, then new prompts.
        List<Rollout> next = rollouts(run, 9, 22);
        Rollout again0 = copy(first.get(0), "resampled-0", first.get(0).promptId(), null, 0);
        Rollout again3 = copy(first.get(3), "resampled-3", first.get(3).promptId(), null, 0);
        Rollout twice = copy(next.get(0), "twice", next.get(0).promptId(), null, 0);
        publish(topic, List.of(again0, next.get(0), again3, twice));
        publish(topic, next.subList(1, 9));
        TrainerStats second = run(settings(run, 1), new TrainerStats()); // one more round
        assertEquals(
                LoopState.STOPPED,
                second.loop.state.get(),
                String.valueOf(second.loop.failure.get()));
        assertEquals(5, second.rolloutsTrained.get(), "8 in the round, 3 not trained again");
        List<String> errors =
                deadLetters(topic).stream().map(d -> d.getError().toString()).toList();
        assertEquals(3, errors.size(), errors.toString());
        for (Rollout r : List.of(again0, again3)) {
            assertTrue(
                    errors.contains(
                            "prompt id "
                                    + r.promptId()
                                    + " was trained in v1 of this run; a prompt id is trained once"
                                    + " per run (publish it under a new id to train on it again)"),
                    errors.toString());
        }
        assertTrue(
                errors.stream()
                        .anyMatch(e -> e.startsWith("duplicate prompt id " + twice.promptId())),
                errors.toString());
        Replay.Result replay = Replay.run(settings(run, 2), 2, work.resolve("replay-once"));
        assertTrue(replay.matches(), replay.describe());
        assertEquals(5, replay.rollouts());
    }

    @Test
    void rolloutsOlderThanTheStalenessBoundAreDroppedAndCountedAndTheRoundsReplay()
            throws Exception {
        String run = "pipelined";
        String topic = rolloutsTopic(run, 1);
        publish(topic, rollouts(run, 24, 31)); // all sampled with v0: a producer far ahead
        TrainerSettings s = settings(run, 3);
        TrainerSettings boundOne = with(s, s.learningRate(), 1, s.seed());
        TrainerStats stats = run(boundOne, new TrainerStats());
        assertEquals(
                LoopState.STOPPED,
                stats.loop.state.get(),
                String.valueOf(stats.loop.failure.get()));
        // v1 from v0 (fresh), v2 from v1 (one version old: within the bound), v3 from v2 (two
        // versions old: all 8 dropped and counted).
        List<CheckpointEvent> events = events(run);
        assertEquals(
                List.of(8.0, 8.0, 0.0),
                events.stream().map(e -> e.getTrainMetrics().get("rollouts")).toList());
        assertEquals(8.0, events.get(2).getTrainMetrics().get("dropped_stale"));
        assertEquals(8, stats.droppedStale.get());
        assertEquals(16, stats.rolloutsTrained.get());
        for (long v = 2; v <= 3; v++) {
            Replay.Result replay = Replay.run(boundOne, v, work.resolve("replay-pipelined-" + v));
            assertTrue(replay.matches(), replay.describe());
        }
    }

    /** {@code s} with another learning rate, staleness bound and seed, without L_pt. */
    static TrainerSettings with(
            TrainerSettings s, double learningRate, int maxStaleness, long seed) {
        return new TrainerSettings(
                s.runId(),
                s.checkpointRoot(),
                s.initialCheckpoint(),
                s.kafka(),
                s.registryUrl(),
                s.registerSchemas(),
                s.rolloutsTopic(),
                s.checkpointsTopic(),
                s.deadLettersTopic(),
                s.objective(),
                s.epochs(),
                s.miniBatchSize(),
                s.rolloutsPerRound(),
                learningRate,
                maxStaleness,
                seed,
                s.maxRounds(),
                s.pollTimeout(),
                null);
    }

    static List<DeadLetter> deadLetters(String topic) {
        return TrainerStepKafkaTest.<DeadLetter>readAll(DEAD_LETTERS, true).stream()
                .map(ConsumerRecord::value)
                .filter(d -> d.getTopic().equals(topic))
                .toList();
    }

    /** {@code r} under another rollout id, prompt id, prompt (null: the same) or version. */
    static Rollout copy(
            Rollout r, String rolloutId, String promptId, int[] promptTokens, long version) {
        return new Rollout(
                rolloutId,
                promptId,
                r.runId(),
                r.kind(),
                promptTokens == null ? r.promptTokens() : promptTokens,
                r.responseTokens(),
                version,
                r.teacherModel(),
                r.alpha(),
                r.seed(),
                r.teacherLogProbs(),
                r.behaviourLogProbs(),
                r.supportIds(),
                r.supportTeacherLogProbs(),
                r.teacherTailLogMass(),
                r.supportKlGap(),
                null);
    }

    static String sha(Path checkpoint) {
        try {
            return Checkpoints.readManifest(checkpoint).orElseThrow().weightsSha256();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
