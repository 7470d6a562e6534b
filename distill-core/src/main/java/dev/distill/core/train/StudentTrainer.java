package dev.distill.core.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distill.core.checkpoint.CheckpointManifest;
import dev.distill.core.checkpoint.CheckpointStore;
import dev.distill.core.checkpoint.Checkpoints;
import dev.distill.core.data.Rollout;
import dev.distill.core.data.Shuffle;
import dev.distill.core.model.CausalLm;
import dev.distill.core.objective.ObjectiveConfig;
import dev.distill.core.objective.ObjectiveLoss;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Trains the student on rounds of scored rollouts: drops stale ones, runs E epochs of shuffled
 * mini-batches (forward, objective loss + optional pre-training term, backward, clip, AdamW step),
 * then writes checkpoint version + 1 with its lineage. With one engine thread, the same initial
 * checkpoint, rollouts, pre-training batches, config and seed give the same weights, bit for bit.
 */
public final class StudentTrainer implements AutoCloseable {

    public record Config(
            ObjectiveConfig objective,
            int epochs,
            int miniBatchSize,
            AdamW.Settings adamw,
            LearningRate learningRate,
            int maxStaleness,
            long seed) {
        public Config {
            if (epochs < 1 || miniBatchSize < 1 || maxStaleness < 0) {
                throw new IllegalArgumentException(
                        "epochs and mini-batch size must be >= 1, staleness bound >= 0");
            }
        }
    }

    /** One optimiser step: the total loss and its parts, gradient norm, response tokens, time. */
    public record StepLog(
            long step,
            double loss,
            Map<String, Double> parts,
            double gradNorm,
            double lr,
            long tokens,
            double seconds) {}

    /**
     * The outcome of a round: the checkpoint written, and what was used and dropped.
     *
     * @param supportKlGap token-weighted mean of the used rollouts' support-set gap (what the
     *     regulariser's support set misses of the exact single-step KL), NaN when none measured it
     */
    public record Round(
            long version,
            Path dir,
            CheckpointManifest manifest,
            List<String> used,
            List<String> droppedStale,
            List<StepLog> steps,
            double supportKlGap) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final CausalLm student;
    private final Config cfg;
    private final String data;
    private final AdamW optimizer;
    private long version;

    /**
     * @param version the version of the student's current weights (the parent of the next
     *     checkpoint)
     */
    public StudentTrainer(CausalLm student, long version, Config cfg) {
        this(student, version, cfg, null);
    }

    /**
     * @param data what else decides the weights besides the configuration and the rollouts (e.g.
     *     the L_pt corpus' {@link PretrainCorpus#identity()}), or null: it joins the configuration
     *     hash
     */
    public StudentTrainer(CausalLm student, long version, Config cfg, String data) {
        this.student = student;
        this.version = version;
        this.cfg = cfg;
        this.data = data;
        this.optimizer = new AdamW(student.parameters(), cfg.adamw());
        student.parameters().requireGradients(true);
    }

    public long version() {
        return version;
    }

    public AdamW optimizer() {
        return optimizer;
    }

    /**
     * @param rollouts the round's rollouts, in the order they were consumed
     * @param pretrain pre-training batches, one per optimiser step in turn (may be empty)
     * @param checkpoints directory under which {@code v<version>} is written
     * @throws dev.distill.core.data.InvalidRolloutException naming a malformed rollout; nothing is
     *     trained then
     */
    public Round trainRound(
            List<Rollout> rollouts,
            List<PretrainBatch> pretrain,
            Path checkpoints,
            Consumer<StepLog> log) {
        int vocab = student.config().vocabSize();
        int positions = student.config().nPositions();
        List<Rollout> fresh = new ArrayList<>();
        List<String> stale = new ArrayList<>();
        for (Rollout r : rollouts) {
            r.validate(vocab, positions);
            if (version - r.behaviourVersion() > cfg.maxStaleness()) {
                stale.add(r.rolloutId());
            } else {
                fresh.add(r);
            }
        }
        List<StepLog> steps = new ArrayList<>();
        int ptIndex = 0;
        for (int epoch = 0; epoch < cfg.epochs() && !fresh.isEmpty(); epoch++) {
            List<Rollout> order = shuffled(fresh, epoch);
            for (int from = 0; from < order.size(); from += cfg.miniBatchSize()) {
                long start = System.nanoTime();
                long step = optimizer.steps() + 1;
                List<Rollout> batch =
                        order.subList(
                                from,
                                Math.min(order.size(), from + cfg.miniBatchSize())); // fetch batch
                PretrainBatch pt =
                        pretrain.isEmpty() ? null : pretrain.get(ptIndex++ % pretrain.size());
                double lr = cfg.learningRate().at(step);
                Map<String, Double> parts = new LinkedHashMap<>();
                double loss;
                long tokens;
                AdamW.Update update;
                try (NDManager scope = student.newStep()) {
                    try (GradientCollector gc =
                            Engine.getEngine("PyTorch").newGradientCollector()) {
                        RolloutBatch rb = RolloutBatch.of(scope, batch);
                        tokens = rb.tokens();
                        NDArray logits =
                                student.forward(
                                                rb.ids(),
                                                rb.positions(),
                                                rb.attentionMask(),
                                                null,
                                                false)
                                        .logits(); // forward
                        ObjectiveLoss.Terms terms =
                                ObjectiveLoss.compute(
                                        cfg.objective(),
                                        rb.inputs(),
                                        rb.responseLogits(logits),
                                        pt == null ? null : pretrainInputs(scope, pt)); // loss
                        NDArray total = terms.total();
                        terms.parts().forEach((k, v) -> parts.put(k, (double) v.getFloat()));
                        loss = total.getFloat();
                        if (!Double.isFinite(loss)) {
                            throw new NonFiniteException(
                                    "loss is "
                                            + loss
                                            + " at step "
                                            + step
                                            + " on rollouts "
                                            + batch.stream().map(Rollout::rolloutId).toList()
                                            + " "
                                            + parts);
                        }
                        gc.backward(total); // backward
                    }
                    update = optimizer.step(scope, lr); // clip + step
                }
                StepLog entry =
                        new StepLog(
                                step,
                                loss,
                                parts,
                                update.gradNorm(),
                                lr,
                                tokens,
                                (System.nanoTime() - start) / 1e9);
                steps.add(entry);
                log.accept(entry); // log
            }
        }
        return checkpoint(
                rollouts, fresh, stale, pretrain.size(), checkpoints, steps); // checkpoint
    }

    /**
     * The objective's loss on {@code rollouts} alone at the current weights, without L_pt, without
     * a gradient and without a step: what a round that failed is searched with, rollout by rollout,
     * for the records that cannot be trained.
     *
     * @throws RuntimeException whatever the forward pass or the loss throws on these rollouts
     */
    public double loss(List<Rollout> rollouts) {
        int vocab = student.config().vocabSize();
        int positions = student.config().nPositions();
        rollouts.forEach(r -> r.validate(vocab, positions));
        try (NDManager scope = student.newStep()) {
            RolloutBatch rb = RolloutBatch.of(scope, rollouts);
            NDArray logits =
                    student.forward(rb.ids(), rb.positions(), rb.attentionMask(), null, false)
                            .logits(); // (B, T, V)
            return ObjectiveLoss.compute(
                            cfg.objective(), rb.inputs(), rb.responseLogits(logits), null)
                    .total()
                    .getFloat();
        }
    }

    /**
     * The pre-training batch as the loss takes it; the student's forward pass over it is part of
     * the step.
     */
    private ObjectiveLoss.Pretrain pretrainInputs(NDManager m, PretrainBatch pt) {
        if (cfg.objective().ptCoef() == 0) {
            return null;
        }
        TokenBatch tb = pt.tokens();
        int b = tb.rows();
        int tp = tb.length() - 1;
        NDArray logits =
                student.forward(m.create(tb.ids(), new Shape(b, tb.length())))
                        .get(":, :-1, :"); // (B, T-1, V)
        NDArray targets = m.create(tb.targets(), new Shape(b, tp)); // (B, T-1)
        NDArray mask = m.create(tb.mask(), new Shape(b, tp)); // (B, T-1)
        return new ObjectiveLoss.Pretrain(
                logits, targets, mask, pt.hasTeacherScores() ? pt.teacherSupport(m) : null);
    }

    private List<Rollout> shuffled(List<Rollout> rollouts, int epoch) {
        return Shuffle.of(
                rollouts, new SplittableRandom(cfg.seed() * 1_000_003L + version * 1009L + epoch));
    }

    private Round checkpoint(
            List<Rollout> all,
            List<Rollout> used,
            List<String> stale,
            int pretrainBatches,
            Path root,
            List<StepLog> steps) {
        long next = version + 1;
        ObjectNode lineage = JSON.createObjectNode();
        lineage.put("parent_version", version);
        lineage.put("objective", cfg.objective().objective().id());
        ArrayNode consumed = lineage.putArray("rollouts");
        for (Rollout r : all) {
            ObjectNode e = consumed.addObject();
            e.put("id", r.rolloutId());
            if (r.source() != null) {
                e.put("source", r.source());
            }
        }
        ArrayNode dropped = lineage.putArray("dropped_stale");
        stale.forEach(dropped::add);
        // What a trainer resuming after this checkpoint needs to train each prompt id once per run.
        ArrayNode trained = lineage.putArray("trained_prompts");
        used.forEach(r -> trained.add(r.promptId()));
        lineage.put("pretrain_batches", pretrainBatches);
        lineage.put("optimizer_steps", optimizer.steps());
        Path dir = root.resolve(CheckpointStore.versionDirName(next));
        try {
            CheckpointManifest m =
                    Checkpoints.save(
                            student,
                            optimizer.state(),
                            CheckpointManifest.of(
                                    next,
                                    version,
                                    optimizer.steps(),
                                    cfg.seed(),
                                    configHash(),
                                    lineage),
                            dir);
            version = next;
            return new Round(
                    next,
                    dir,
                    m,
                    used.stream().map(Rollout::rolloutId).toList(),
                    stale,
                    steps,
                    supportKlGap(used));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + dir, e);
        }
    }

    private static double supportKlGap(List<Rollout> used) {
        double sum = 0;
        long tokens = 0;
        for (Rollout r : used) {
            if (r.supportKlGap() != null) {
                sum += r.supportKlGap() * r.length();
                tokens += r.length();
            }
        }
        return tokens == 0 ? Double.NaN : sum / tokens;
    }

    /** SHA-256 of the trainer and model configuration, so replay can refuse a different setup. */
    public String configHash() {
        try {
            // A fixed layout: Map.of iteration order changes from one JVM to the next, which made
            // the hash of the same configuration differ between the trainer and a replay process.
            // Without data the layout is the one of earlier versions, so their hashes still hold.
            String canonical =
                    "trainer="
                            + cfg
                            + "\nmodel="
                            + student.config()
                            + (data == null ? "" : "\ndata=" + data);
            byte[] d =
                    MessageDigest.getInstance("SHA-256")
                            .digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash the configuration", e);
        }
    }

    @Override
    public void close() {
        optimizer.close();
        student.parameters().requireGradients(false);
    }
}
