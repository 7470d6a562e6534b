package dev.distill.cli;

import ai.djl.ndarray.NDManager;
import dev.distill.core.checkpoint.CheckpointManifest;
import dev.distill.core.checkpoint.Checkpoints;
import dev.distill.core.data.PromptTemplate;
import dev.distill.core.data.Rollout;
import dev.distill.core.generation.TeacherMixedSampler;
import dev.distill.core.model.CausalLm;
import dev.distill.core.model.GptConfig;
import dev.distill.core.objective.Objective;
import dev.distill.core.objective.ObjectiveConfig;
import dev.distill.core.tokenizer.HfTokenizer;
import dev.distill.core.train.AdamW;
import dev.distill.core.train.LearningRate;
import dev.distill.core.train.StudentTrainer;
import dev.distill.localstack.LocalStack;
import dev.distill.localstack.ServiceProcess;
import dev.distill.platform.kafka.ClientConfigs;
import dev.distill.schemas.avro.CheckpointEvent;
import dev.distill.schemas.avro.Prompt;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The platform's overhead: the same models, prompts and settings once in process (sampler and
 * trainer called directly) and once through Kafka (local stack + the packaged producer-teacher and
 * trainer-student processes), reporting rollouts/s of sampling and response tokens/s of training.
 * Both sides are measured warm: a first wave of prompts (and a first training round) is run and not
 * timed, so that JIT warm-up, the registry's first look-ups and the bench's own client set-up are
 * not counted as throughput; trainer rates are total tokens over total seconds of the later rounds.
 */
@Command(
        name = "bench-platform",
        mixinStandardHelpOptions = true,
        description =
                "Compares rollouts/s and trainer tokens/s through Kafka with the in-process loop.")
final class BenchPlatformCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
            names = "--prompts",
            defaultValue = "256",
            description = "prompts in the timed wave (default ${DEFAULT-VALUE})")
    int prompts;

    @Option(
            names = "--prompts-per-transaction",
            defaultValue = "32",
            description = "the producer's prompts per Kafka transaction (default ${DEFAULT-VALUE})")
    int promptsPerTransaction;

    @Option(
            names = "--warm-up",
            defaultValue = "64",
            description = "prompts sampled first and not timed (default ${DEFAULT-VALUE})")
    int warmUp;

    @Option(names = "--rollouts-per-round", defaultValue = "32")
    int perRound;

    @Option(names = "--max-new-tokens", defaultValue = "48")
    int maxNew;

    static final int WORDS = 1000;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (warmUp % 8 != 0 || prompts < 2 * perRound) {
            throw new IllegalArgumentException(
                    "--warm-up must be a multiple of the batch size 8, and --prompts at least two"
                            + " rounds (the first round is not timed)");
        }
        Path work = Files.createTempDirectory("distill-bench-platform");
        Path tokFile = work.resolve("tokenizer.json");
        Files.writeString(tokFile, tokenizerJson());
        List<String> texts = new ArrayList<>();
        SplittableRandom rng = new SplittableRandom(1);
        for (int i = 0; i < warmUp + prompts; i++) {
            StringBuilder t = new StringBuilder();
            for (int w = 0; w < 12; w++) {
                t.append(w == 0 ? "" : " ").append("w").append(rng.nextInt(WORDS));
            }
            texts.add(t.toString());
        }
        Path teacherDir = work.resolve("teacher");
        Path studentDir = work.resolve("student");
        double[] inProcess;
        try (HfTokenizer tok = HfTokenizer.load(tokFile);
                NDManager root = NDManager.newBaseManager()) {
            int eos = tok.eosId().orElseThrow();
            // Random weights: throughput does not depend on what the models know, and EOS is rarely
            // drawn.
            try (CausalLm t =
                            CausalLm.create(
                                    new GptConfig(
                                            tok.vocabSize(), 128, 128, 4, 4, null, 1e-5, true, eos),
                                    root,
                                    1);
                    CausalLm s =
                            CausalLm.create(
                                    new GptConfig(
                                            tok.vocabSize(), 128, 64, 2, 4, null, 1e-5, true, eos),
                                    root,
                                    2)) {
                Checkpoints.save(
                        t, null, CheckpointManifest.of(0, null, 0, 1L, null, null), teacherDir);
                Checkpoints.save(
                        s, null, CheckpointManifest.of(0, null, 0, 2L, null, null), studentDir);
            }
            Files.copy(tokFile, teacherDir.resolve("tokenizer.json"));
            Files.copy(tokFile, studentDir.resolve("tokenizer.json"));
            List<int[]> tokens =
                    texts.stream().map(x -> tok.encode(PromptTemplate.format(x, null))).toList();
            inProcess = inProcess(teacherDir, studentDir, tokens, root, work);
        }
        double[] platform = platform(work, teacherDir, studentDir, texts);
        out.printf(
                "platform overhead (teacher %s, student %s, %d prompts after %d warm-up prompts, <="
                        + " %d new tokens, k=8, batches of 8, %d prompts per transaction, rounds of"
                        + " %d after a warm-up round, 2 epochs)%n",
                "C128 L4", "C64 L2", prompts, warmUp, maxNew, promptsPerTransaction, perRound);
        out.printf("%-12s %14s %22s%n", "", "rollouts/s", "trainer response tok/s");
        out.printf("%-12s %14.2f %22.0f%n", "in-process", inProcess[0], inProcess[1]);
        out.printf("%-12s %14.2f %22.0f%n", "via Kafka", platform[0], platform[1]);
        out.printf(
                "%-12s %14.2f %22.2f%n",
                "ratio", platform[0] / inProcess[0], platform[1] / inProcess[1]);
        out.printf(
                "(via Kafka, one service at a time: rollouts/s from the timed wave's prompts"
                    + " committed to its last rollout visible; trainer tok/s = response tokens x"
                    + " epochs over training seconds, as the trainer reports them per round, rounds"
                    + " after the first)%n");
        out.flush();
        return 0;
    }

    private double[] inProcess(
            Path teacherDir, Path studentDir, List<int[]> tokens, NDManager root, Path work)
            throws Exception {
        try (Checkpoints.Loaded teacher = Checkpoints.load(teacherDir, root);
                Checkpoints.Loaded student = Checkpoints.load(studentDir, root)) {
            int eos = teacher.model().config().eosTokenId();
            List<Rollout> all = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int from = 0; from < tokens.size(); from += 8) {
                if (from == warmUp) {
                    t0 = System.nanoTime(); // the warm-up wave is not timed
                    all.clear();
                }
                List<TeacherMixedSampler.Prompt> batch = new ArrayList<>();
                for (int i = from; i < Math.min(tokens.size(), from + 8); i++) {
                    batch.add(new TeacherMixedSampler.Prompt("p" + i, tokens.get(i), i));
                }
                all.addAll(
                        TeacherMixedSampler.sample(
                                teacher.model(),
                                student.model(),
                                0,
                                "bench",
                                batch,
                                new TeacherMixedSampler.Config(0.2, maxNew, 8, eos, "teacher")));
            }
            double rolloutsPerSecond = all.size() / ((System.nanoTime() - t0) / 1e9);
            StudentTrainer.Config cfg =
                    new StudentTrainer.Config(
                            ObjectiveConfig.defaults(Objective.MINILLM),
                            2,
                            8,
                            AdamW.Settings.gpt(),
                            LearningRate.constant(5e-4),
                            1000,
                            0);
            long tokens2 = 0;
            double seconds = 0;
            try (StudentTrainer trainer = new StudentTrainer(student.model(), 0, cfg)) {
                for (int from = 0; from + perRound <= all.size(); from += perRound) {
                    List<Rollout> round = all.subList(from, from + perRound);
                    long s0 = System.nanoTime();
                    trainer.trainRound(round, List.of(), work.resolve("inprocess-ckpt"), l -> {});
                    if (from > 0) { // the first round warms up, as in the service
                        seconds += (System.nanoTime() - s0) / 1e9;
                        tokens2 += round.stream().mapToLong(Rollout::length).sum() * 2;
                    }
                }
            }
            return new double[] {rolloutsPerSecond, tokens2 / seconds};
        }
    }

    private double[] platform(Path work, Path teacherDir, Path studentDir, List<String> texts)
            throws Exception {
        try (LocalStack stack =
                LocalStack.start(LocalStack.Options.defaults().workDir(work.resolve("stack")))) {
            try (Admin admin =
                    Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
                admin.createTopics(
                                List.of(
                                        new NewTopic("distill.prompts", 1, (short) 1),
                                        new NewTopic("distill.rollouts", 1, (short) 1),
                                        new NewTopic("distill.checkpoints", 1, (short) 1),
                                        new NewTopic("distill.dead-letters", 1, (short) 1)))
                        .all()
                        .get();
            }
            String b = stack.bootstrapServers();
            String reg = stack.registryUrl();
            int rounds = texts.size() / perRound;
            // One service at a time, like the in-process run: the numbers then show the platform's
            // cost (Kafka, serialisation, transactions) rather than two services sharing two cores.
            double rolloutSeconds;
            try (ServiceProcess producer =
                    service(
                            "producer-teacher",
                            Map.of(
                                    "kafka.bootstrap.servers",
                                    b,
                                    "distill.producer.run-id",
                                    "bench",
                                    "distill.producer.teacher-model",
                                    teacherDir.toString(),
                                    "distill.producer.initial-student",
                                    studentDir.toString(),
                                    "distill.producer.checkpoint-store",
                                    work.resolve("checkpoints").toString(),
                                    "distill.producer.registry-url",
                                    reg,
                                    "distill.producer.support-k",
                                    "8",
                                    "distill.producer.max-new-tokens",
                                    String.valueOf(maxNew),
                                    "distill.producer.batch-size",
                                    "8",
                                    "distill.producer.prompts-per-transaction",
                                    String.valueOf(promptsPerTransaction)),
                            work.resolve("producer.log"))) {
                try (KafkaProducer<String, Object> p =
                        new KafkaProducer<>(
                                ClientConfigs.transactionalProducer(b, reg, "bench-prompts"))) {
                    p.initTransactions();
                    // The warm-up wave also readies this producer and registers the schemas.
                    publish(p, texts, 0, warmUp);
                    waitForCount(b, "distill.rollouts", warmUp, System.nanoTime());
                    long t0 = System.nanoTime();
                    publish(p, texts, warmUp, texts.size());
                    rolloutSeconds = waitForCount(b, "distill.rollouts", texts.size(), t0);
                }
            }
            try (ServiceProcess trainer =
                    service(
                            "trainer-student",
                            Map.of(
                                    "kafka.bootstrap.servers",
                                    b,
                                    "distill.trainer.run-id",
                                    "bench",
                                    "distill.trainer.initial-checkpoint",
                                    studentDir.toString(),
                                    "distill.trainer.checkpoint-dir",
                                    work.resolve("checkpoints").toString(),
                                    "distill.trainer.registry-url",
                                    reg,
                                    "distill.trainer.rollouts-per-round",
                                    String.valueOf(perRound),
                                    "distill.trainer.epochs",
                                    "2",
                                    "distill.trainer.mini-batch",
                                    "8",
                                    "distill.trainer.learning-rate",
                                    "5e-4",
                                    // every rollout here was sampled before training started: none
                                    // may count as stale
                                    "distill.trainer.max-staleness",
                                    "1000"),
                            work.resolve("trainer.log"))) {
                List<CheckpointEvent> events = awaitEvents(b, reg, rounds);
                double tokens = 0;
                double seconds = 0;
                for (CheckpointEvent e : events.subList(1, events.size())) {
                    double t = e.getTrainMetrics().get("response_tokens");
                    tokens += t;
                    seconds += t / e.getTrainMetrics().get("response_tokens_per_second");
                }
                return new double[] {prompts / rolloutSeconds, tokens / seconds};
            }
        }
    }

    private static double waitForCount(String b, String topic, int count, long t0) {
        long deadline = System.currentTimeMillis() + 600_000;
        try (KafkaConsumer<String, byte[]> c =
                new KafkaConsumer<>(ClientConfigs.bytesConsumer(b, null, 500, 300_000))) {
            TopicPartition tp = new TopicPartition(topic, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            int seen = 0;
            while (seen < count) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException(
                            "only " + seen + " of " + count + " records arrived on " + topic);
                }
                seen += c.poll(Duration.ofMillis(100)).count();
            }
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    /** The first {@code rounds} checkpoint events, read by one consumer as they come. */
    private static List<CheckpointEvent> awaitEvents(String b, String reg, int rounds) {
        long deadline = System.currentTimeMillis() + 600_000;
        List<CheckpointEvent> events = new ArrayList<>();
        try (KafkaConsumer<String, CheckpointEvent> c =
                new KafkaConsumer<>(ClientConfigs.avroConsumer(b, reg))) {
            TopicPartition tp = new TopicPartition("distill.checkpoints", 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            while (events.size() < rounds) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException(
                            "only " + events.size() + " of " + rounds + " checkpoints arrived");
                }
                c.poll(Duration.ofMillis(500)).forEach(r -> events.add(r.value()));
            }
        }
        return events;
    }

    private static void publish(
            KafkaProducer<String, Object> p, List<String> texts, int from, int to) {
        p.beginTransaction();
        for (int i = from; i < to; i++) {
            p.send(
                    new ProducerRecord<>(
                            "distill.prompts",
                            "p" + i,
                            Prompt.newBuilder()
                                    .setId("p" + i)
                                    .setRunId("bench")
                                    .setInstruction(texts.get(i))
                                    .setContext(null)
                                    .setReferences(List.of())
                                    .setSource("bench")
                                    .setCreatedAt(Instant.now())
                                    .build()));
        }
        p.commitTransaction();
    }

    static String tokenizerJson() {
        StringBuilder vocab = new StringBuilder("\"[UNK]\": 0");
        for (int i = 0; i < WORDS; i++) {
            vocab.append(", \"w").append(i).append("\": ").append(i + 1);
        }
        return "{\"version\": \"1.0\", \"truncation\": null, \"padding\": null, \"added_tokens\":"
                + " [{\"id\": "
                + (WORDS + 1)
                + ", \"content\": \"<|endoftext|>\", \"single_word\": false, \"lstrip\": false,"
                + " \"rstrip\": false, \"normalized\": false, \"special\": true}], \"normalizer\":"
                + " null, \"pre_tokenizer\": {\"type\": \"WhitespaceSplit\"}, \"post_processor\":"
                + " null, \"decoder\": {\"type\": \"WordPiece\", \"prefix\": \"##\", \"cleanup\":"
                + " false}, \"model\": {\"type\": \"WordLevel\", \"vocab\": {"
                + vocab
                + "}, \"unk_token\": \"[UNK]\"}}";
    }

    private static ServiceProcess service(String module, Map<String, String> properties, Path log)
            throws IOException {
        return ServiceProcess.of(Path.of(System.getProperty("distill.home", ".")), module)
                .properties(properties)
                .log(log)
                .start();
    }
}
