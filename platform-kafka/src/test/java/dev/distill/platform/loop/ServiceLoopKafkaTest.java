package dev.distill.platform.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distill.localstack.LocalStack;
import dev.distill.localstack.TopicReader;
import dev.distill.platform.kafka.AvroDecoder;
import dev.distill.platform.kafka.ClientConfigs;
import dev.distill.platform.kafka.DeadLetters;
import dev.distill.platform.kafka.KafkaConnection;
import dev.distill.platform.kafka.TransientFailureException;
import dev.distill.platform.kafka.WireFormat;
import dev.distill.schemas.avro.DeadLetter;
import dev.distill.schemas.avro.Prompt;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The shared loop against the real broker and registry of the local stack, with a minimal echo
 * step.
 */
@Tag("integration")
class ServiceLoopKafkaTest {
    static LocalStack stack;

    @BeforeAll
    static void startStack() throws Exception {
        Path work =
                Files.createDirectories(
                        Path.of("target", "service-loop-test-" + System.currentTimeMillis()));
        stack = LocalStack.start(LocalStack.Options.defaults().workDir(work.resolve("stack")));
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    /** Input, output and dead-letter topics of one test. */
    record Topics(String in, String out, String dead) {}

    static Topics topics(String name, int partitions) throws Exception {
        Topics t = new Topics("in." + name, "out." + name, "dead." + name);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            admin.createTopics(
                            List.of(
                                    new NewTopic(t.in(), partitions, (short) 1),
                                    new NewTopic(t.out(), 1, (short) 1),
                                    new NewTopic(t.dead(), 1, (short) 1)))
                    .all()
                    .get();
        }
        return t;
    }

    static LoopSettings settings(String name, Topics t, LoopSettings.Input input) {
        return new LoopSettings(
                "test-" + name,
                KafkaConnection.plaintext(stack.bootstrapServers()),
                stack.registryUrl(),
                "group-" + name,
                "tx-" + name,
                t.in(),
                input,
                10,
                Duration.ofMinutes(1),
                Duration.ofMillis(200));
    }

    /**
     * Echoes each prompt with its instruction upper-cased; undecodable records become dead letters.
     */
    static class Echo implements Step {
        final Topics t;
        final String metadata;
        final AtomicReference<Map<TopicPartition, OffsetAndMetadata>> opened =
                new AtomicReference<>();
        AvroDecoder<Prompt> decoder;
        int echoed;

        String registryUrl = stack.registryUrl();

        Echo(Topics t, String metadata) {
            this.t = t;
            this.metadata = metadata;
        }

        @Override
        public void open(Map<TopicPartition, OffsetAndMetadata> committed) {
            opened.set(committed);
            decoder = new AvroDecoder<>(registryUrl, Prompt.class);
        }

        @Override
        public void process(List<ConsumerRecord<String, byte[]>> records, Transactions tx) {
            List<Transactions.Output> out = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> r : records) {
                try {
                    Prompt p = decoder.decode(r);
                    p.setInstruction(p.getInstruction().toUpperCase());
                    out.add(new Transactions.Output(t.out(), r.key(), p));
                    echoed++;
                } catch (RuntimeException e) {
                    TransientFailureException.rethrowIfTransient(e);
                    out.add(
                            new Transactions.Output(
                                    t.dead(), r.key(), DeadLetters.of(r, e, "echo")));
                }
            }
            tx.commit(out, Transactions.after(records, metadata));
        }

        @Override
        public void close() {
            decoder.close();
        }
    }

    @Test
    void publishesOutputsAndDeadLettersWithTheOffsetsInOneTransaction() throws Exception {
        Topics t = topics("echo", 2);
        publish(t.in(), List.of(prompt("a"), prompt("b"), prompt("c")));
        publishRaw(t.in(), "garbage", "not avro".getBytes());
        LoopStats stats = new LoopStats();
        ServiceLoop loop =
                new ServiceLoop(
                        settings("echo", t, LoopSettings.Input.GROUP),
                        () -> new Echo(t, null),
                        stats);
        loop.start();
        await(() -> stats.consumed.get() >= 4 || stats.failure.get() != null);
        loop.stopAndWait(Duration.ofSeconds(30));

        assertEquals(LoopState.STOPPED, stats.state.get(), stats.failure.get());
        assertEquals(1, stats.deadLettered.get());
        List<Prompt> echoed =
                TopicReader.<String, Prompt>readToEnd(avroReader(), t.out(), Duration.ofSeconds(20))
                        .stream()
                        .map(ConsumerRecord::value)
                        .toList();
        assertEquals(
                Set.of("A", "B", "C"),
                Set.copyOf(echoed.stream().map(Prompt::getInstruction).toList()));
        List<DeadLetter> dead =
                TopicReader.<String, DeadLetter>readToEnd(
                                avroReader(), t.dead(), Duration.ofSeconds(20))
                        .stream()
                        .map(ConsumerRecord::value)
                        .toList();
        assertEquals(1, dead.size());
        assertTrue(
                dead.get(0).getError().contains("not in the Confluent wire format"),
                dead.get(0).getError());
        assertEquals("echo", dead.get(0).getService());
        assertEquals(4, committedTotal("group-echo", t.in()), "every input record committed past");
    }

    static final LoopSettings.Restart FAST =
            new LoopSettings.Restart(3, Duration.ofMillis(50), Duration.ofMillis(100));

    @Test
    void aStepThatKeepsFailingIsRestartedThenTheLoopFailsWithNothingCommitted() throws Exception {
        Topics t = topics("failing", 1);
        publish(t.in(), List.of(prompt("x")));
        AtomicInteger sessions = new AtomicInteger();
        Supplier<Step> failing =
                () -> {
                    sessions.incrementAndGet();
                    return new Echo(t, null) {
                        @Override
                        public void process(
                                List<ConsumerRecord<String, byte[]>> records, Transactions tx) {
                            throw new IllegalStateException("the step cannot go on");
                        }
                    };
                };
        LoopStats stats = new LoopStats();
        ServiceLoop loop =
                new ServiceLoop(
                        settings("failing", t, LoopSettings.Input.GROUP).withRestart(FAST),
                        failing,
                        stats);
        loop.start();
        assertTrue(loop.awaitEnd(Duration.ofMinutes(1)), "a failed loop ends its thread");
        assertEquals(LoopState.FAILED, stats.state.get());
        assertEquals("the step cannot go on", stats.failure.get());
        assertEquals(3, sessions.get(), "three sessions, each from a fresh step");
        assertEquals(2, stats.restarts.get());
        assertEquals(
                0,
                committedTotal("group-failing", t.in()),
                "nothing committed past the failed batch");
    }

    @Test
    void aFailedSessionIsStartedOverAndItsWorkIsPublishedOnce() throws Exception {
        Topics t = topics("recover", 1);
        publish(t.in(), List.of(prompt("p"), prompt("q")));
        AtomicInteger sessions = new AtomicInteger();
        Supplier<Step> flaky =
                () -> {
                    boolean first = sessions.incrementAndGet() == 1;
                    return new Echo(t, null) {
                        @Override
                        public void process(
                                List<ConsumerRecord<String, byte[]>> records, Transactions tx) {
                            if (first) {
                                // outputs sent, then the session dies before its commit
                                throw new IllegalStateException("broker gone mid-transaction");
                            }
                            super.process(records, tx);
                        }
                    };
                };
        LoopStats stats = new LoopStats();
        ServiceLoop loop =
                new ServiceLoop(
                        settings("recover", t, LoopSettings.Input.GROUP).withRestart(FAST),
                        flaky,
                        stats);
        loop.start();
        await(() -> stats.transactions.get() >= 1 || stats.state.get() == LoopState.FAILED);
        loop.stopAndWait(Duration.ofSeconds(30));
        assertEquals(2, committedTotal("group-recover", t.in()));
        assertEquals(LoopState.STOPPED, stats.state.get(), stats.failure.get());
        assertEquals(1, stats.restarts.get());
        List<Prompt> echoed =
                TopicReader.<String, Prompt>readToEnd(avroReader(), t.out(), Duration.ofSeconds(20))
                        .stream()
                        .map(ConsumerRecord::value)
                        .toList();
        assertEquals(
                List.of("P", "Q"),
                echoed.stream().map(Prompt::getInstruction).sorted().toList(),
                "each input published once, by the second session");
    }

    @Test
    void anUnreachableRegistryIsRetriedNeverDeadLettered() throws Exception {
        Topics t = topics("no-registry", 1);
        publish(t.in(), List.of(prompt("kept")));
        int closed;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            closed = probe.getLocalPort(); // nothing listens there once the probe is closed
        }
        LoopStats stats = new LoopStats();
        ServiceLoop loop =
                new ServiceLoop(
                        settings("no-registry", t, LoopSettings.Input.GROUP).withRestart(FAST),
                        () -> {
                            Echo e = new Echo(t, null);
                            e.registryUrl = "http://127.0.0.1:" + closed + "/apis/registry/v3";
                            return e;
                        },
                        stats);
        loop.start();
        assertTrue(loop.awaitEnd(Duration.ofMinutes(2)), "the loop gives up after its retries");
        assertEquals(LoopState.FAILED, stats.state.get());
        assertTrue(stats.failure.get().startsWith("transient failure"), stats.failure.get());
        assertEquals(
                0, stats.deadLettered.get(), "a record is not poison because the registry is down");
        assertEquals(
                0, committedTotal("group-no-registry", t.in()), "and it is not committed past");

        LoopStats back = new LoopStats();
        ServiceLoop again =
                new ServiceLoop(
                        settings("no-registry", t, LoopSettings.Input.GROUP),
                        () -> new Echo(t, null),
                        back);
        again.start();
        await(() -> back.transactions.get() >= 1 || back.state.get() == LoopState.FAILED);
        again.stopAndWait(Duration.ofSeconds(30));
        assertEquals(0, back.deadLettered.get());
        assertEquals(
                1,
                committedTotal("group-no-registry", t.in()),
                "processed once the registry is back");
    }

    @Test
    void anAssignedInputResumesFromTheCommittedOffsetsAndTheirMetadata() throws Exception {
        Topics t = topics("resume", 2);
        publish(t.in(), List.of(prompt("1"), prompt("2"), prompt("3")));
        LoopSettings s = settings("resume", t, LoopSettings.Input.ALL_PARTITIONS);
        LoopStats first = new LoopStats();
        Echo one = new Echo(t, "v=1");
        ServiceLoop a = new ServiceLoop(s, () -> one, first);
        a.start();
        await(() -> first.consumed.get() >= 3 || first.failure.get() != null);
        a.stopAndWait(Duration.ofSeconds(30));
        assertEquals(
                Map.of(),
                Map.copyOf(nonNull(one.opened.get())),
                "a new group has nothing committed");

        publish(t.in(), List.of(prompt("4")));
        LoopStats second = new LoopStats();
        Echo two = new Echo(t, "v=2");
        ServiceLoop b = new ServiceLoop(s, () -> two, second);
        b.start();
        await(() -> second.consumed.get() >= 1 || second.failure.get() != null);
        b.stopAndWait(Duration.ofSeconds(30));
        assertNull(second.failure.get());
        assertEquals(
                1, second.consumed.get(), "only the record published after the first run's commit");
        Map<TopicPartition, OffsetAndMetadata> seen = nonNull(two.opened.get());
        assertTrue(
                !seen.isEmpty() && seen.values().stream().allMatch(o -> o.metadata().equals("v=1")),
                seen.toString());
        assertEquals(4, committedTotal("group-resume", t.in()));
    }

    @Test
    void aFinishedStepStopsTheLoop() throws Exception {
        Topics t = topics("finish", 1);
        publish(t.in(), List.of(prompt("only")));
        Echo once =
                new Echo(t, null) {
                    @Override
                    public boolean finished() {
                        return echoed >= 1;
                    }
                };
        LoopStats stats = new LoopStats();
        ServiceLoop loop =
                new ServiceLoop(settings("finish", t, LoopSettings.Input.GROUP), () -> once, stats);
        loop.start();
        assertTrue(
                loop.awaitEnd(Duration.ofMinutes(1)),
                "the loop ends by itself once the step is finished");
        assertEquals(LoopState.STOPPED, stats.state.get());
    }

    static Map<TopicPartition, OffsetAndMetadata> nonNull(
            Map<TopicPartition, OffsetAndMetadata> m) {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        m.forEach(
                (k, v) -> {
                    if (v != null) {
                        out.put(k, v);
                    }
                });
        return out;
    }

    static long committedTotal(String group, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            return admin
                    .listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get()
                    .entrySet()
                    .stream()
                    .filter(e -> e.getKey().topic().equals(topic))
                    .mapToLong(e -> e.getValue().offset())
                    .sum();
        }
    }

    static Prompt prompt(String instruction) {
        return Prompt.newBuilder()
                .setId("p-" + instruction)
                .setRunId("r")
                .setInstruction(instruction)
                .setContext(null)
                .setReferences(List.of())
                .setSource("test")
                .setCreatedAt(Instant.ofEpochMilli(1))
                .build();
    }

    static Map<String, Object> avroReader() {
        return ClientConfigs.avroConsumer(stack.bootstrapServers(), stack.registryUrl());
    }

    static void publish(String topic, List<Prompt> prompts) {
        Map<String, Object> p = new HashMap<>(WireFormat.serdeConfig(stack.registryUrl()));
        p.put("bootstrap.servers", stack.bootstrapServers());
        p.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        p.put("value.serializer", WireFormat.SERIALIZER);
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(p)) {
            prompts.forEach(x -> producer.send(new ProducerRecord<>(topic, x.getId(), x)));
        }
    }

    static void publishRaw(String topic, String key, byte[] value) {
        Map<String, Object> p =
                Map.of(
                        "bootstrap.servers",
                        stack.bootstrapServers(),
                        "key.serializer",
                        "org.apache.kafka.common.serialization.StringSerializer",
                        "value.serializer",
                        "org.apache.kafka.common.serialization.ByteArraySerializer");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
            producer.send(new ProducerRecord<>(topic, key, value));
        }
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        while (!condition.getAsBoolean()) {
            assertTrue(System.currentTimeMillis() < deadline, "timed out");
            Thread.sleep(100);
        }
    }
}
