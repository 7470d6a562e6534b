package dev.distill.producer;

import ai.djl.ndarray.NDManager;
import dev.distill.core.checkpoint.Checkpoints;
import dev.distill.core.data.Rollout;
import dev.distill.core.generation.ReferenceRollouts;
import dev.distill.core.generation.TeacherMixedSampler;
import dev.distill.core.model.CausalLm;
import dev.distill.core.tokenizer.Tokenizer;
import dev.distill.core.tokenizer.SharedVocabulary;
import dev.distill.core.tokenizer.Tokenizers;
import dev.distill.schemas.DeadLetters;
import dev.distill.schemas.RolloutCodec;
import dev.distill.schemas.avro.DeadLetter;
import dev.distill.schemas.avro.Prompt;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Consume prompts, sample with the teacher and the newest student, publish rollouts. Each polled batch
 * is one Kafka transaction (rollouts + dead letters + the batch's prompt offsets), so a crash or a
 * rebalance between two instances of the group neither loses a prompt nor publishes it twice.
 */
final class ProducerLoop implements Runnable {
    private static final Logger LOG = Logger.getLogger(ProducerLoop.class);
    private static final String SERVICE = "producer-teacher";

    private final ProducerSettings s;
    private final ProducerStats stats;
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile StudentFollower follower;

    ProducerLoop(ProducerSettings settings, ProducerStats stats) {
        this.s = settings;
        this.stats = stats;
    }

    void stop() {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        StudentFollower f = follower;
        if (f != null) {
            f.stop();
        }
    }

    /** A prompt ready to sample, or the reason it cannot be. */
    private record Work(ConsumerRecord<String, byte[]> record, Prompt prompt, int[] tokens, int[] reference,
                        DeadLetter deadLetter) {}

    @Override
    public void run() {
        Thread followerThread = null;
        StudentFollower.Student student = null;
        try (NDManager root = NDManager.newBaseManager();
             Checkpoints.Loaded teacher = Checkpoints.load(s.teacher(), root);
             KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(KafkaClients.promptConsumer(s));
             KafkaProducer<String, Object> producer = new KafkaProducer<>(KafkaClients.producer(s));
             AvroKafkaDeserializer<Prompt> decoder = new AvroKafkaDeserializer<>()) {
            consumer = c;
            decoder.configure(KafkaClients.avro(s), false);
            Tokenizer tokenizer = Tokenizers.forCheckpoint(s.teacher(), teacher.model().config().vocabSize());
            int eos = teacher.model().config().eosTokenId() != null ? teacher.model().config().eosTokenId()
                    : tokenizer.eosId().orElseThrow(() -> new IllegalStateException("the teacher has no end-of-text id"));
            student = new StudentFollower.Student(0, Checkpoints.load(s.initialStudent(), root));
            SharedVocabulary.require(s.teacher(), teacher.model().config().vocabSize(), s.initialStudent(),
                    student.loaded().model().config().vocabSize());
            follower = new StudentFollower(s, root);
            followerThread = new Thread(follower, "student-follower");
            followerThread.start();
            follower.awaitCaughtUp(Duration.ofSeconds(30));
            producer.initTransactions();
            c.subscribe(List.of(s.promptsTopic()));
            stats.state.set("RUNNING");
            while (running) {
                StudentFollower.Student newer = follower.take();
                if (newer != null && newer.version() > student.version()) {
                    student.close();
                    student = newer;
                    stats.studentVersion.set(student.version());
                } else if (newer != null) {
                    newer.close();
                }
                ConsumerRecords<String, byte[]> records;
                try {
                    records = c.poll(s.pollTimeout());
                } catch (WakeupException e) {
                    break;
                }
                if (!records.isEmpty()) {
                    process(records, c, producer, decoder, tokenizer, eos, teacher.model(), student);
                }
                stats.lag.set(c.assignment().stream().mapToLong(tp -> c.currentLag(tp).orElse(0)).sum());
            }
            stats.state.set("STOPPED");
        } catch (WakeupException | InterruptedException e) {
            stats.state.set("STOPPED");
        } catch (Exception | Error e) {
            stats.failure.set(e.getMessage());
            stats.state.set("FAILED");
            LOG.error("producer loop failed; the last uncommitted batch of prompts will be re-sampled", e);
        } finally {
            if (follower != null) {
                follower.stop();
            }
            if (followerThread != null) {
                try {
                    followerThread.join(10_000);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }
            if (student != null) {
                student.close();
            }
        }
    }

    private void process(ConsumerRecords<String, byte[]> records, KafkaConsumer<String, byte[]> c,
                         KafkaProducer<String, Object> producer, AvroKafkaDeserializer<Prompt> decoder,
                         Tokenizer tokenizer, int eos, CausalLm teacher, StudentFollower.Student student) {
        long t0 = System.nanoTime();
        List<Work> work = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            work.add(prepare(r, decoder, tokenizer, eos));
            offsets.merge(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1),
                    (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        List<Work> ready = work.stream().filter(w -> w.tokens() != null).toList();
        List<Rollout> rollouts = ready.isEmpty() ? List.of() : sample(ready, teacher, student, eos);
        Instant now = Instant.now();
        producer.beginTransaction();
        try {
            for (Rollout r : rollouts) {
                producer.send(new ProducerRecord<>(s.rolloutsTopic(), r.promptId(), RolloutCodec.toAvro(r, now)));
            }
            for (Work w : work) {
                if (w.deadLetter() != null) {
                    producer.send(new ProducerRecord<>(s.deadLettersTopic(), w.record().key(), w.deadLetter()));
                }
            }
            producer.sendOffsetsToTransaction(offsets, c.groupMetadata());
            producer.commitTransaction();
        } catch (RuntimeException e) {
            producer.abortTransaction();
            throw e;
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        stats.promptsConsumed.addAndGet(records.count());
        stats.rolloutsPublished.addAndGet(rollouts.size());
        stats.responseTokens.addAndGet(rollouts.stream().mapToLong(Rollout::length).sum());
        stats.deadLettered.addAndGet(work.stream().filter(w -> w.deadLetter() != null).count());
        stats.rolloutsPerSecond.set(rollouts.size() / secs);
        stats.responseTokensPerSecond.set(rollouts.stream().mapToLong(Rollout::length).sum() / secs);
    }

    private Work prepare(ConsumerRecord<String, byte[]> r, AvroKafkaDeserializer<Prompt> decoder, Tokenizer tokenizer,
                         int eos) {
        try {
            if (r.value() == null || r.value().length < 5 || r.value()[0] != 0) {
                throw new IllegalArgumentException("value is not in the Confluent wire format (magic byte 0, 4-byte "
                        + "schema id, Avro)");
            }
            Prompt p = decoder.deserialize(r.topic(), r.headers(), r.value());
            if (!p.getRunId().equals(s.runId())) {
                return new Work(r, p, null, null, null); // another run's prompt on a shared topic
            }
            if (p.getInstruction().isBlank()) {
                throw new IllegalArgumentException("prompt " + p.getId() + " has an empty instruction");
            }
            int[] tokens = tokenizer.encode(s.promptTemplate().apply(p.getInstruction(), p.getContext()));
            if (tokens.length > s.maxPromptTokens()) {
                throw new IllegalArgumentException("prompt " + p.getId() + " is " + tokens.length
                        + " tokens long, over the limit of " + s.maxPromptTokens());
            }
            int[] reference = null;
            if (s.mode() == ProducerSettings.Mode.REFERENCE) {
                if (p.getReferences().isEmpty()) {
                    throw new IllegalArgumentException("prompt " + p.getId() + " has no reference response to score");
                }
                int[] ref = tokenizer.encode(p.getReferences().get(0));
                reference = java.util.Arrays.copyOf(ref, ref.length + 1);
                reference[ref.length] = eos;
            }
            return new Work(r, p, tokens, reference, null);
        } catch (RuntimeException e) {
            LOG.warnf("dead-lettering %s-%d@%d: %s", r.topic(), r.partition(), r.offset(), e.getMessage());
            return new Work(r, null, null, null,
                    DeadLetters.of(r.topic(), r.partition(), r.offset(), r.key(), r.value(), e, SERVICE));
        }
    }

    private List<Rollout> sample(List<Work> ready, CausalLm teacher, StudentFollower.Student student, int eos) {
        long version = student.version();
        String teacherName = s.teacher().getFileName().toString();
        if (s.mode() == ProducerSettings.Mode.REFERENCE) {
            List<ReferenceRollouts.Item> items = ready.stream().map(w -> new ReferenceRollouts.Item(w.prompt().getId(),
                    w.tokens(), w.reference(), seed(w.prompt().getId(), version))).toList();
            return ReferenceRollouts.score(teacher, student.loaded().model(), version, s.runId(), items, s.supportK(),
                    teacherName);
        }
        List<TeacherMixedSampler.Prompt> prompts = ready.stream().map(w -> new TeacherMixedSampler.Prompt(
                w.prompt().getId(), w.tokens(), seed(w.prompt().getId(), version))).toList();
        int room = Math.min(s.maxNewTokens(), Math.min(teacher.config().nPositions(),
                student.loaded().model().config().nPositions()) - prompts.stream().mapToInt(p -> p.tokens().length).max().orElse(0) + 1);
        return TeacherMixedSampler.sample(teacher, student.loaded().model(), version, s.runId(), prompts,
                new TeacherMixedSampler.Config(s.effectiveAlpha(), Math.max(1, room), s.supportK(), eos, teacherName));
    }

    /** A prompt's sampling seed depends on the run, the prompt and the student version, never on the batch. */
    private long seed(String promptId, long version) {
        long h = s.seed() * 0x9E3779B97F4A7C15L;
        h ^= (s.runId() + "/" + promptId).hashCode() * 0xC2B2AE3D27D4EB4FL;
        h ^= version * 0x165667B19E3779F9L;
        return h ^ (h >>> 31);
    }
}
