package dev.distill.evaluator;

import ai.djl.ndarray.NDManager;
import dev.distill.core.checkpoint.CheckpointStores;
import dev.distill.core.checkpoint.Checkpoints;
import dev.distill.core.data.HeldOutItem;
import dev.distill.core.metrics.Calibration;
import dev.distill.core.metrics.Evaluation;
import dev.distill.core.tokenizer.Tokenizer;
import dev.distill.core.tokenizer.SharedVocabulary;
import dev.distill.core.tokenizer.Tokenizers;
import dev.distill.schemas.ClientConfigs;
import dev.distill.schemas.DeadLetters;
import dev.distill.schemas.WireFormat;
import dev.distill.schemas.avro.CheckpointEvent;
import dev.distill.schemas.avro.EvalReport;
import dev.distill.schemas.avro.ReliabilityBin;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Consume checkpoint events of the run, verify and load each checkpoint, evaluate it on the held-out set
 * and publish an EvalReport; report, dead letter and offset commit go in one transaction, so every
 * checkpoint is scored exactly once. A checkpoint that cannot be verified or loaded is dead-lettered.
 */
final class EvaluatorLoop implements Runnable {
    private static final Logger LOG = Logger.getLogger(EvaluatorLoop.class);
    private static final String SERVICE = "evaluator";

    final AtomicLong evaluated = new AtomicLong();
    final AtomicLong deadLettered = new AtomicLong();
    final AtomicLong lastVersion = new AtomicLong(-1);
    final AtomicLong lag = new AtomicLong();
    final AtomicReference<Double> lastRougeL = new AtomicReference<>(Double.NaN);
    final AtomicReference<String> state = new AtomicReference<>("STARTING");
    final AtomicReference<String> failure = new AtomicReference<>();

    private final EvaluatorSettings s;
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, byte[]> consumer;

    EvaluatorLoop(EvaluatorSettings settings) {
        this.s = settings;
    }

    void stop() {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    @Override
    public void run() {
        try (NDManager root = NDManager.newBaseManager();
             KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerProps());
             KafkaProducer<String, Object> producer = new KafkaProducer<>(producerProps());
             AvroKafkaDeserializer<CheckpointEvent> decoder = new AvroKafkaDeserializer<>()) {
            consumer = c;
            decoder.configure(new HashMap<>(WireFormat.serdeConfig(s.registryUrl())), false);
            List<HeldOutItem> items = HeldOutItem.readJsonl(s.heldOut());
            items = items.subList(0, Math.min(items.size(), s.heldOutLimit()));
            Checkpoints.Loaded teacher = s.teacher() == null ? null : Checkpoints.load(s.teacher(), root);
            producer.initTransactions();
            c.subscribe(List.of(s.checkpointsTopic()));
            state.set("RUNNING");
            try {
                while (running) {
                    for (ConsumerRecord<String, byte[]> r : c.poll(s.pollTimeout())) {
                        handle(r, decoder, items, teacher, root, producer, c);
                    }
                    lag.set(c.assignment().stream().mapToLong(tp -> c.currentLag(tp).orElse(0)).sum());
                }
            } finally {
                if (teacher != null) {
                    teacher.close();
                }
            }
            state.set("STOPPED");
        } catch (WakeupException e) {
            state.set("STOPPED");
        } catch (Exception | Error e) {
            failure.set(e.getMessage());
            state.set("FAILED");
            LOG.error("evaluator loop failed; unscored checkpoints will be scored after a restart", e);
        }
    }

    private void handle(ConsumerRecord<String, byte[]> r, AvroKafkaDeserializer<CheckpointEvent> decoder,
                        List<HeldOutItem> items, Checkpoints.Loaded teacher, NDManager root,
                        KafkaProducer<String, Object> producer, KafkaConsumer<String, byte[]> c) {
        Object out = null;
        String topic = s.evaluationsTopic();
        try {
            if (r.value() == null || r.value().length < 5 || r.value()[0] != 0) {
                throw new IllegalArgumentException("value is not in the Confluent wire format");
            }
            CheckpointEvent e = decoder.deserialize(r.topic(), r.headers(), r.value());
            if (e.getRunId().equals(s.runId())) {
                out = evaluate(e, items, teacher, root);
            }
        } catch (IOException | RuntimeException ex) {
            LOG.warnf("dead-lettering %s-%d@%d: %s", r.topic(), r.partition(), r.offset(), ex.getMessage());
            out = DeadLetters.of(r.topic(), r.partition(), r.offset(), r.key(), r.value(), ex, SERVICE);
            topic = s.deadLettersTopic();
        }
        producer.beginTransaction();
        try {
            if (out != null) {
                producer.send(new ProducerRecord<>(topic, r.key(), out));
            }
            producer.sendOffsetsToTransaction(Map.of(new TopicPartition(r.topic(), r.partition()),
                    new OffsetAndMetadata(r.offset() + 1)), c.groupMetadata());
            producer.commitTransaction();
        } catch (RuntimeException ex) {
            producer.abortTransaction();
            throw ex;
        }
        if (out instanceof EvalReport rep) {
            evaluated.incrementAndGet();
            lastVersion.set(rep.getVersion());
            lastRougeL.set(rep.getRougeL());
        } else if (out != null) {
            deadLettered.incrementAndGet();
        }
    }

    private EvalReport evaluate(CheckpointEvent e, List<HeldOutItem> items, Checkpoints.Loaded teacher, NDManager root)
            throws IOException {
        Path dir = CheckpointStores.open(URI.create(e.getUri()));
        try (Checkpoints.Loaded student = Checkpoints.load(dir, root)) {
            String sha = student.manifest().map(m -> m.weightsSha256()).orElse("");
            if (!sha.equals(e.getSha256())) {
                throw new IOException("checkpoint v" + e.getVersion() + " at " + dir + " has weights " + sha
                        + " but its event says " + e.getSha256());
            }
            int vocab = student.model().config().vocabSize();
            if (teacher != null) {
                SharedVocabulary.require(teacher.dir(), teacher.model().config().vocabSize(), dir, vocab);
            }
            Tokenizer tok = Tokenizers.forCheckpoint(s.tokenizerDir() != null ? s.tokenizerDir() : dir, vocab);
            long t0 = System.nanoTime();
            Evaluation.Result res = Evaluation.run(student.model(), tok, items,
                    new Evaluation.Protocol(s.maxNewTokens(), s.seeds(), s.batchSize(), s.exAccErrSteps(),
                            s.promptTemplate()),
                    teacher == null ? null : teacher.model());
            if (tok instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception ignored) {
                    // a tokenizer's native handle; nothing to recover
                }
            }
            LOG.infof("scored v%d of run %s: Rouge-L %.2f +- %.2f, token ECE %.4f in %.1f s", e.getVersion(), s.runId(),
                    res.rougeL(), res.rougeLStd(), res.tokenCalibration().ece(), (System.nanoTime() - t0) / 1e9);
            return report(e, res);
        }
    }

    private EvalReport report(CheckpointEvent e, Evaluation.Result res) {
        List<ReliabilityBin> bins = res.tokenCalibration().bins().stream().map((Calibration.Bin b) ->
                new ReliabilityBin(b.lower(), b.upper(), b.count(), b.meanConfidence(), b.accuracy())).toList();
        return EvalReport.newBuilder()
                .setRunId(e.getRunId())
                .setVersion(e.getVersion())
                .setDataset(s.dataset())
                .setSamples(res.samples())
                .setSeeds(Arrays.stream(res.seeds()).boxed().toList())
                .setRougeL(res.rougeL())
                .setRougeLStd(res.rougeLStd())
                .setExactMatch(res.exactMatch())
                .setEce(res.optionCalibration() == null ? null : res.optionCalibration().ece())
                .setTokenEce(res.tokenCalibration().ece())
                .setReliability(bins)
                .setMeanLength(res.meanLength())
                .setDistinct4(res.distinct4())
                .setRklToTeacher(res.reverseKlToTeacher())
                .setFklToTeacher(null)
                .setExAccErr(res.exposureBias() == null ? null : res.exposureBias().exAccErrPercent())
                .setTrainMetrics(e.getTrainMetrics())
                .setCreatedAt(Instant.now())
                .build();
    }

    /** One checkpoint per poll: scoring one can take minutes on CPU. */
    private Map<String, Object> consumerProps() {
        return ClientConfigs.bytesConsumer(s.bootstrapServers(), s.groupId(), 1, 1_800_000);
    }

    private Map<String, Object> producerProps() {
        return ClientConfigs.transactionalProducer(s.bootstrapServers(), s.registryUrl(), s.transactionalId());
    }
}
