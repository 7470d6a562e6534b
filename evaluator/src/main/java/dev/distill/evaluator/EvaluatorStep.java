package dev.distill.evaluator;

import ai.djl.ndarray.NDManager;
import dev.distill.core.checkpoint.CheckpointStore;
import dev.distill.core.checkpoint.Checkpoints;
import dev.distill.core.data.HeldOutItem;
import dev.distill.core.metrics.Calibration;
import dev.distill.core.metrics.Evaluation;
import dev.distill.core.tokenizer.SharedVocabulary;
import dev.distill.core.tokenizer.Tokenizer;
import dev.distill.core.tokenizer.Tokenizers;
import dev.distill.platform.checkpoint.PublishedCheckpoints;
import dev.distill.platform.checkpoint.RunChain;
import dev.distill.platform.kafka.AvroDecoder;
import dev.distill.platform.kafka.DeadLetters;
import dev.distill.platform.kafka.Sources;
import dev.distill.platform.kafka.TransientFailureException;
import dev.distill.platform.kafka.UndecodableRecordException;
import dev.distill.platform.loop.Step;
import dev.distill.platform.loop.Transactions;
import dev.distill.schemas.avro.CheckpointEvent;
import dev.distill.schemas.avro.EvalReport;
import dev.distill.schemas.avro.ReliabilityBin;
import java.io.IOException;
import java.nio.file.Path;
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
 * The evaluator's step in the shared loop: verify and load each checkpoint of the run, evaluate it
 * on the held-out set and publish an EvalReport. Report (or dead letter) and offset commit go in
 * one transaction, so every checkpoint is scored exactly once; one that cannot be verified or
 * loaded is dead-lettered.
 */
final class EvaluatorStep implements Step {
    private static final Logger LOG = Logger.getLogger(EvaluatorStep.class);
    private static final String SERVICE = "evaluator";

    private final EvaluatorSettings s;
    private final EvaluatorStats stats;
    private final NDManager root = NDManager.newBaseManager();
    private final CheckpointStore store;
    private AvroDecoder<CheckpointEvent> decoder;
    private RunChain chain;
    private List<HeldOutItem> items;
    private Checkpoints.Loaded teacher;

    EvaluatorStep(EvaluatorSettings settings, EvaluatorStats stats) {
        this.s = settings;
        this.store = CheckpointStore.at(settings.checkpointStore());
        this.stats = stats;
    }

    @Override
    public void open(Map<TopicPartition, OffsetAndMetadata> committed) throws IOException {
        decoder = new AvroDecoder<>(s.registryUrl(), CheckpointEvent.class);
        // The group may resume in the middle of the topic: learn which events before that were
        // the trainer's, so a forged event is told apart from the chain it does not extend.
        chain =
                RunChain.readPublished(
                        s.kafka(), s.checkpointsTopic(), decoder, s.runId(), Duration.ofMinutes(2));
        List<HeldOutItem> all = HeldOutItem.readJsonl(s.heldOut());
        items = all.subList(0, Math.min(all.size(), s.heldOutLimit()));
        teacher = s.teacher() == null ? null : Checkpoints.load(s.teacher(), root);
    }

    @Override
    public void process(List<ConsumerRecord<String, byte[]>> records, Transactions tx) {
        List<Read> read = new ArrayList<>(records.size());
        for (ConsumerRecord<String, byte[]> r : records) {
            read.add(read(r));
        }
        long newest =
                read.stream()
                        .filter(Read::onChain)
                        .mapToLong(x -> x.event().getVersion())
                        .max()
                        .orElse(-1);
        for (Read x : read) {
            handle(x, tx, newest);
        }
    }

    /**
     * A polled record with its event (and whether it is on the run's chain), or why it does not
     * decode (it is dead-lettered).
     */
    private record Read(
            ConsumerRecord<String, byte[]> record,
            CheckpointEvent event,
            boolean onChain,
            UndecodableRecordException undecodable) {}

    /** Decodes once, in poll order; an unreachable registry fails the session here. */
    private Read read(ConsumerRecord<String, byte[]> r) {
        try {
            CheckpointEvent e = decoder.decode(r);
            return new Read(r, e, chain.accepts(r, e), null);
        } catch (UndecodableRecordException e) {
            return new Read(r, null, false, e);
        }
    }

    /**
     * Of this shard's versions: every n-th, and the newest read so far (so a run's last version is
     * always scored, by the shard that owns it).
     */
    private boolean scored(CheckpointEvent e, long newest) {
        return e.getVersion() % s.every() == 0 || e.getVersion() >= newest;
    }

    @Override
    public String onFailure() {
        return "unscored checkpoints will be scored after a restart";
    }

    @Override
    public void close() {
        if (teacher != null) {
            teacher.close();
        }
        if (decoder != null) {
            decoder.close();
        }
        root.close();
    }

    private void handle(Read x, Transactions tx, long newest) {
        ConsumerRecord<String, byte[]> r = x.record();
        Transactions.Output out = null;
        try {
            if (x.undecodable() != null) {
                throw x.undecodable();
            }
            CheckpointEvent e = x.event();
            boolean ours = e.getRunId().equals(s.runId());
            if (ours && !s.shard().owns(e.getVersion())) {
                LOG.debugf(
                        "v%d of run %s is another shard's (%s)",
                        e.getVersion(), s.runId(), s.shard());
            } else if (ours && !x.onChain()) {
                throw new IllegalArgumentException("not scoring " + chain.refusal(e));
            } else if (ours && scored(e, newest)) {
                out = new Transactions.Output(s.evaluationsTopic(), r.key(), evaluate(e));
            } else if (ours) {
                stats.skipped.incrementAndGet();
                LOG.infof(
                        "not scoring v%d of run %s: v%d is already read, and every %d-th version"
                                + " is scored",
                        e.getVersion(), s.runId(), newest, s.every());
            }
        } catch (IOException | RuntimeException ex) {
            if (ex instanceof RuntimeException re) {
                TransientFailureException.rethrowIfTransient(re);
            }
            LOG.warnf("dead-lettering %s: %s", Sources.of(r), ex.getMessage());
            out =
                    new Transactions.Output(
                            s.deadLettersTopic(), r.key(), DeadLetters.of(r, ex, SERVICE));
        }
        tx.commit(out == null ? List.of() : List.of(out), Transactions.after(List.of(r), null));
        if (out != null && out.value() instanceof EvalReport rep) {
            stats.evaluated.incrementAndGet();
            stats.lastVersion.set(rep.getVersion());
            stats.lastRougeL.set(rep.getRougeL());
        }
    }

    private EvalReport evaluate(CheckpointEvent e) throws IOException {
        try (Checkpoints.Loaded student = PublishedCheckpoints.loadVerified(e, store, root)) {
            Path dir = student.dir();
            int vocab = student.model().config().vocabSize();
            if (teacher != null) {
                SharedVocabulary.require(
                        teacher.dir(), teacher.model().config().vocabSize(), dir, vocab);
            }
            Tokenizer tok =
                    Tokenizers.forCheckpoint(
                            s.tokenizerDir() != null ? s.tokenizerDir() : dir, vocab);
            long t0 = System.nanoTime();
            Evaluation.Result res =
                    Evaluation.run(
                            student.model(),
                            tok,
                            items,
                            new Evaluation.Protocol(
                                    s.maxNewTokens(),
                                    s.seeds(),
                                    s.batchSize(),
                                    s.exAccErrSteps(),
                                    s.promptTemplate()),
                            teacher == null ? null : teacher.model());
            if (tok instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception ignored) {
                    // a tokenizer's native handle; nothing to recover
                }
            }
            LOG.infof(
                    "scored v%d of run %s: Rouge-L %.2f +- %.2f, token ECE %.4f in %.1f s",
                    e.getVersion(),
                    s.runId(),
                    res.rougeL(),
                    res.rougeLStd(),
                    res.tokenCalibration().ece(),
                    (System.nanoTime() - t0) / 1e9);
            return report(e, res);
        }
    }

    private EvalReport report(CheckpointEvent e, Evaluation.Result res) {
        List<ReliabilityBin> bins =
                res.tokenCalibration().bins().stream()
                        .map(
                                (Calibration.Bin b) ->
                                        new ReliabilityBin(
                                                b.lower(),
                                                b.upper(),
                                                b.count(),
                                                b.meanConfidence(),
                                                b.accuracy()))
                        .toList();
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
                .setExAccErr(
                        res.exposureBias() == null ? null : res.exposureBias().exAccErrPercent())
                .setTrainMetrics(e.getTrainMetrics())
                .setCreatedAt(Instant.now())
                .build();
    }
}
