package dev.distill.producer;

import ai.djl.ndarray.NDManager;
import dev.distill.core.checkpoint.Checkpoints;
import dev.distill.core.data.Rollout;
import dev.distill.core.generation.ReferenceRollouts;
import dev.distill.core.generation.TeacherMixedSampler;
import dev.distill.core.model.CausalLm;
import dev.distill.core.tokenizer.SharedVocabulary;
import dev.distill.core.tokenizer.Tokenizer;
import dev.distill.core.tokenizer.Tokenizers;
import dev.distill.platform.codec.RolloutCodec;
import dev.distill.platform.kafka.AvroDecoder;
import dev.distill.platform.kafka.DeadLetters;
import dev.distill.platform.kafka.Sources;
import dev.distill.platform.kafka.TransientFailureException;
import dev.distill.platform.loop.Step;
import dev.distill.platform.loop.Transactions;
import dev.distill.schemas.avro.DeadLetter;
import dev.distill.schemas.avro.Prompt;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * The producer's step: sample each polled batch of prompts with the teacher and the newest student
 * and publish the rollouts. A batch is one transaction (rollouts + dead letters + the batch's
 * prompt offsets), so a crash or a rebalance between two instances of the group neither loses a
 * prompt nor publishes it twice.
 */
final class ProducerStep implements Step {
    private static final Logger LOG = Logger.getLogger(ProducerStep.class);
    private static final String SERVICE = "producer-teacher";

    private final ProducerSettings s;
    private final ProducerStats stats;
    private final NDManager root = NDManager.newBaseManager();
    private Checkpoints.Loaded teacher;
    private AvroDecoder<Prompt> decoder;
    private Tokenizer tokenizer;
    private int eos;
    private StudentFollower.Student student;
    private StudentFollower follower;
    private Thread followerThread;

    ProducerStep(ProducerSettings settings, ProducerStats stats) {
        this.s = settings;
        this.stats = stats;
    }

    /** A prompt ready to sample, or the reason it cannot be. */
    private record Work(
            ConsumerRecord<String, byte[]> record,
            Prompt prompt,
            int[] tokens,
            int[] reference,
            DeadLetter deadLetter) {}

    @Override
    public void open(Map<TopicPartition, OffsetAndMetadata> committed)
            throws IOException, InterruptedException {
        teacher = Checkpoints.load(s.teacher(), root);
        decoder = new AvroDecoder<>(s.registryUrl(), Prompt.class);
        tokenizer = Tokenizers.forCheckpoint(s.teacher(), teacher.model().config().vocabSize());
        eos =
                teacher.model().config().eosTokenId() != null
                        ? teacher.model().config().eosTokenId()
                        : tokenizer
                                .eosId()
                                .orElseThrow(
                                        () ->
                                                new IllegalStateException(
                                                        "the teacher has no end-of-text id"));
        student = new StudentFollower.Student(0, Checkpoints.load(s.initialStudent(), root));
        SharedVocabulary.require(
                s.teacher(),
                teacher.model().config().vocabSize(),
                s.initialStudent(),
                student.loaded().model().config().vocabSize());
        follower = new StudentFollower(s, stats, root);
        followerThread = new Thread(follower, "student-follower");
        followerThread.start();
        follower.awaitCaughtUp(Duration.ofSeconds(30));
    }

    @Override
    public void beforePoll() {
        if (follower.failure() != null) {
            throw new IllegalStateException(
                    "the checkpoint follower stopped: " + follower.failure().getMessage(),
                    follower.failure());
        }
        StudentFollower.Student newer = follower.take();
        if (newer != null && newer.version() > student.version()) {
            student.close();
            student = newer;
            stats.studentVersion.set(student.version());
        } else if (newer != null) {
            newer.close();
        }
    }

    @Override
    public String onFailure() {
        return "the last uncommitted batch of prompts will be re-sampled";
    }

    @Override
    public void close() throws InterruptedException {
        if (follower != null) {
            follower.stop();
        }
        if (followerThread != null) {
            followerThread.join(10_000);
        }
        if (student != null) {
            student.close();
        }
        if (teacher != null) {
            teacher.close();
        }
        if (decoder != null) {
            decoder.close();
        }
        root.close();
    }

    @Override
    public void process(List<ConsumerRecord<String, byte[]>> records, Transactions tx) {
        long t0 = System.nanoTime();
        List<Work> work = new ArrayList<>(records.stream().map(this::prepare).toList());
        // Sampled in batches of batch-size, published in one transaction.
        List<Rollout> rollouts = new ArrayList<>();
        for (int from = 0; from < work.size(); from += s.batchSize()) {
            List<Work> batch =
                    new ArrayList<>(
                            work.subList(from, Math.min(work.size(), from + s.batchSize())));
            rollouts.addAll(sampleIsolatingFailures(batch));
            for (int i = 0; i < batch.size(); i++) {
                work.set(from + i, batch.get(i)); // a prompt that failed is now its dead letter
            }
        }
        Instant now = Instant.now();
        List<Transactions.Output> out = new ArrayList<>();
        for (Rollout r : rollouts) {
            out.add(
                    new Transactions.Output(
                            s.rolloutsTopic(), r.promptId(), RolloutCodec.toAvro(r, now)));
        }
        for (Work w : work) {
            if (w.deadLetter() != null) {
                out.add(
                        new Transactions.Output(
                                s.deadLettersTopic(), w.record().key(), w.deadLetter()));
            }
        }
        tx.commit(out, Transactions.after(records, null));
        double secs = (System.nanoTime() - t0) / 1e9;
        long tokens = rollouts.stream().mapToLong(Rollout::length).sum();
        stats.rolloutsPublished.addAndGet(rollouts.size());
        stats.responseTokens.addAndGet(tokens);
        stats.rolloutsPerSecond.set(rollouts.size() / secs);
        stats.responseTokensPerSecond.set(tokens / secs);
    }

    /**
     * Samples the batch's ready prompts together; if that throws, samples them one by one, so that
     * a prompt the models cannot take (one that passed every check and still throws) is
     * dead-lettered with the reason instead of failing the batch again and again. Failed prompts
     * are replaced in {@code work} by their dead letters.
     */
    private List<Rollout> sampleIsolatingFailures(List<Work> work) {
        List<Work> ready = work.stream().filter(w -> w.tokens() != null).toList();
        if (ready.isEmpty()) {
            return List.of();
        }
        try {
            return sample(ready, teacher.model(), student);
        } catch (RuntimeException batchFailure) {
            TransientFailureException.rethrowIfTransient(batchFailure);
            LOG.warnf(
                    "sampling a batch of %d failed (%s); sampling its prompts one by one",
                    ready.size(), batchFailure.getMessage());
        }
        List<Rollout> rollouts = new ArrayList<>();
        for (Work w : ready) {
            try {
                rollouts.addAll(sample(List.of(w), teacher.model(), student));
            } catch (RuntimeException e) {
                TransientFailureException.rethrowIfTransient(e);
                LOG.warnf(
                        "dead-lettering %s: sampling failed: %s",
                        Sources.of(w.record()), e.getMessage());
                work.set(
                        work.indexOf(w),
                        new Work(
                                w.record(),
                                w.prompt(),
                                null,
                                null,
                                DeadLetters.of(w.record(), e, SERVICE)));
            }
        }
        return rollouts;
    }

    private Work prepare(ConsumerRecord<String, byte[]> r) {
        try {
            Prompt p = decoder.decode(r);
            if (!p.getRunId().equals(s.runId())) {
                return new Work(r, p, null, null, null); // another run's prompt on a shared topic
            }
            if (p.getInstruction().isBlank()) {
                throw new IllegalArgumentException(
                        "prompt " + p.getId() + " has an empty instruction");
            }
            int[] tokens =
                    tokenizer.encode(s.promptTemplate().apply(p.getInstruction(), p.getContext()));
            if (tokens.length > s.maxPromptTokens()) {
                throw new IllegalArgumentException(
                        "prompt "
                                + p.getId()
                                + " is "
                                + tokens.length
                                + " tokens long, over the limit of "
                                + s.maxPromptTokens());
            }
            int[] reference = null;
            if (s.mode() == ProducerSettings.Mode.REFERENCE) {
                if (p.getReferences().isEmpty()) {
                    throw new IllegalArgumentException(
                            "prompt " + p.getId() + " has no reference response to score");
                }
                int[] ref = tokenizer.encode(p.getReferences().get(0));
                reference = Arrays.copyOf(ref, ref.length + 1);
                reference[ref.length] = eos;
            }
            return new Work(r, p, tokens, reference, null);
        } catch (RuntimeException e) {
            TransientFailureException.rethrowIfTransient(e);
            LOG.warnf("dead-lettering %s: %s", Sources.of(r), e.getMessage());
            return new Work(r, null, null, null, DeadLetters.of(r, e, SERVICE));
        }
    }

    private List<Rollout> sample(
            List<Work> ready, CausalLm teacher, StudentFollower.Student student) {
        long version = student.version();
        String teacherName = s.teacher().getFileName().toString();
        if (s.mode() == ProducerSettings.Mode.REFERENCE) {
            List<ReferenceRollouts.Item> items =
                    ready.stream()
                            .map(
                                    w ->
                                            new ReferenceRollouts.Item(
                                                    w.prompt().getId(),
                                                    w.tokens(),
                                                    w.reference(),
                                                    seed(w.prompt().getId(), version)))
                            .toList();
            return ReferenceRollouts.score(
                    teacher,
                    student.loaded().model(),
                    version,
                    s.runId(),
                    items,
                    s.supportK(),
                    teacherName);
        }
        List<TeacherMixedSampler.Prompt> prompts =
                ready.stream()
                        .map(
                                w ->
                                        new TeacherMixedSampler.Prompt(
                                                w.prompt().getId(),
                                                w.tokens(),
                                                seed(w.prompt().getId(), version)))
                        .toList();
        int room =
                Math.min(
                        s.maxNewTokens(),
                        Math.min(
                                        teacher.config().nPositions(),
                                        student.loaded().model().config().nPositions())
                                - prompts.stream().mapToInt(p -> p.tokens().length).max().orElse(0)
                                + 1);
        return TeacherMixedSampler.sample(
                teacher,
                student.loaded().model(),
                version,
                s.runId(),
                prompts,
                new TeacherMixedSampler.Config(
                        s.effectiveAlpha(), Math.max(1, room), s.supportK(), eos, teacherName));
    }

    /**
     * A prompt's sampling seed depends on the run, the prompt and the student version, never on the
     * batch.
     */
    private long seed(String promptId, long version) {
        long h = s.seed() * 0x9E3779B97F4A7C15L;
        h ^= (s.runId() + "/" + promptId).hashCode() * 0xC2B2AE3D27D4EB4FL;
        h ^= version * 0x165667B19E3779F9L;
        return h ^ (h >>> 31);
    }
}
