package dev.distill.platform.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distill.localstack.LocalStack;
import dev.distill.localstack.TopicReader;
import dev.distill.platform.kafka.AvroDecoder;
import dev.distill.platform.kafka.ClientConfigs;
import dev.distill.platform.kafka.KafkaConnection;
import dev.distill.platform.kafka.WireFormat;
import dev.distill.schemas.avro.Prompt;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A broker outage longer than the producer's 60 s blocking limit, in the middle of a transaction:
 * the session fails ("Timeout expired ... awaiting EndTxn"), the loop starts a new one, which waits
 * for the broker and then does the work again; nothing is lost and nothing is published twice.
 */
@Tag("integration")
class BrokerOutageKafkaTest {
    static LocalStack stack;

    @BeforeAll
    static void startStack() throws Exception {
        Path work =
                Files.createDirectories(
                        Path.of("target", "broker-outage-" + System.currentTimeMillis()));
        stack = LocalStack.start(LocalStack.Options.defaults().workDir(work.resolve("stack")));
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aSessionKilledByABrokerOutageIsStartedOverWithNothingLostOrRepeated() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            admin.createTopics(
                            List.of(
                                    new NewTopic("in", 1, (short) 1),
                                    new NewTopic("out", 1, (short) 1)))
                    .all()
                    .get();
        }
        publish("in", List.of("a", "b"));
        AtomicBoolean outage = new AtomicBoolean();
        LoopStats stats = new LoopStats();
        ServiceLoop loop =
                new ServiceLoop(
                        new LoopSettings(
                                        "outage",
                                        KafkaConnection.plaintext(stack.bootstrapServers()),
                                        stack.registryUrl(),
                                        "group-outage",
                                        "tx-outage",
                                        "in",
                                        LoopSettings.Input.GROUP,
                                        10,
                                        Duration.ofMinutes(5),
                                        Duration.ofMillis(200))
                                .withRestart(
                                        new LoopSettings.Restart(
                                                5, Duration.ofSeconds(1), Duration.ofSeconds(2))),
                        () ->
                                new Step() {
                                    AvroDecoder<Prompt> decoder;

                                    @Override
                                    public void open(
                                            Map<
                                                            org.apache.kafka.common.TopicPartition,
                                                            org.apache.kafka.clients.consumer
                                                                    .OffsetAndMetadata>
                                                    committed) {
                                        decoder =
                                                new AvroDecoder<>(
                                                        stack.registryUrl(), Prompt.class);
                                    }

                                    @Override
                                    public void process(
                                            List<ConsumerRecord<String, byte[]>> records,
                                            Transactions tx) {
                                        List<Transactions.Output> out = new ArrayList<>();
                                        for (ConsumerRecord<String, byte[]> r : records) {
                                            Prompt p = decoder.decode(r);
                                            p.setInstruction(p.getInstruction().toUpperCase());
                                            out.add(new Transactions.Output("out", r.key(), p));
                                        }
                                        if (outage.compareAndSet(false, true)) {
                                            // The broker dies with this batch's transaction open
                                            // and comes back after 70 s.
                                            stack.kafka().kill();
                                            Thread back =
                                                    new Thread(
                                                            () -> {
                                                                try {
                                                                    Thread.sleep(70_000);
                                                                } catch (InterruptedException e) {
                                                                    return;
                                                                }
                                                                stack.kafka().resume();
                                                            });
                                            back.start();
                                        }
                                        tx.commit(out, Transactions.after(records, null));
                                    }

                                    @Override
                                    public void close() {
                                        if (decoder != null) {
                                            decoder.close();
                                        }
                                    }
                                },
                        stats);
        loop.start();
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (stats.transactions.get() < 1
                && stats.state.get() != LoopState.FAILED
                && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        loop.stopAndWait(Duration.ofSeconds(30));
        assertEquals(LoopState.STOPPED, stats.state.get(), stats.failure.get());
        assertTrue(stats.restarts.get() >= 1, "the outage failed at least one session");
        List<String> out =
                TopicReader.<String, Prompt>readToEnd(
                                ClientConfigs.avroConsumer(
                                        stack.bootstrapServers(), stack.registryUrl()),
                                "out",
                                Duration.ofSeconds(30))
                        .stream()
                        .map(r -> r.value().getInstruction())
                        .sorted()
                        .toList();
        assertEquals(List.of("A", "B"), out, "each input published once, after the outage");
    }

    static void publish(String topic, List<String> instructions) {
        Map<String, Object> p = new HashMap<>(WireFormat.serdeConfig(stack.registryUrl()));
        p.put("bootstrap.servers", stack.bootstrapServers());
        p.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        p.put("value.serializer", WireFormat.SERIALIZER);
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(p)) {
            for (String i : instructions) {
                producer.send(
                        new ProducerRecord<>(
                                topic,
                                i,
                                Prompt.newBuilder()
                                        .setId(i)
                                        .setRunId("r")
                                        .setInstruction(i)
                                        .setContext(null)
                                        .setReferences(List.of())
                                        .setSource("test")
                                        .setCreatedAt(Instant.ofEpochMilli(1))
                                        .build()));
            }
        }
    }
}
