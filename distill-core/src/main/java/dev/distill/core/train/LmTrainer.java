package dev.distill.core.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.distill.core.checkpoint.CheckpointManifest;
import dev.distill.core.checkpoint.Checkpoints;
import dev.distill.core.model.CausalLm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * Language-model training (pre-training and supervised fine-tuning): masked next-token
 * cross-entropy, AdamW, grad-norm clipping, a learning-rate schedule and periodic checkpoints.
 * Deterministic for a fixed seed, batch order and one engine thread.
 */
public final class LmTrainer implements AutoCloseable {

    /** One logged optimiser step. */
    public record StepLog(
            long step, double loss, double gradNorm, double lr, long tokens, double seconds) {}

    /** Where and how often to checkpoint; {@code dirForStep} names each directory. */
    public record CheckpointPolicy(int every, LongFunction<Path> dirForStep, Long seed) {}

    /** Supplies the batch for a 1-based step (may read a dataset, may be synthetic). */
    public interface BatchSource {
        TokenBatch batch(long step);
    }

    private final CausalLm model;
    private final AdamW optimizer;
    private final LearningRate schedule;

    public LmTrainer(CausalLm model, AdamW.Settings settings, LearningRate schedule) {
        this.model = model;
        this.optimizer = new AdamW(model.parameters(), settings);
        this.schedule = schedule;
        model.parameters().requireGradients(true);
    }

    public AdamW optimizer() {
        return optimizer;
    }

    /** Runs {@code steps} optimiser steps; returns the last step's log. */
    public StepLog train(
            BatchSource data, int steps, Consumer<StepLog> log, CheckpointPolicy checkpoints) {
        StepLog last = null;
        for (int i = 0; i < steps; i++) {
            long step = optimizer.steps() + 1;
            long start = System.nanoTime();
            TokenBatch batch = data.batch(step); // fetch batch
            double lr = schedule.at(step);
            double loss;
            AdamW.Update update;
            try (NDManager scope = model.newStep()) {
                try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                    NDArray ids =
                            scope.create(
                                    batch.ids(), new Shape(batch.rows(), batch.length())); // (B, T)
                    NDArray logits = model.forward(ids); // forward (B, T, V)
                    NDArray l = LmLoss.crossEntropy(logits, batch); // loss ()
                    loss = l.getFloat();
                    if (!Double.isFinite(loss)) {
                        throw new NonFiniteException(
                                "loss is " + loss + " at step " + step + "; training stopped");
                    }
                    gc.backward(l); // backward
                }
                update = optimizer.step(scope, lr); // clip + step
            }
            last =
                    new StepLog(
                            step,
                            loss,
                            update.gradNorm(),
                            lr,
                            batch.trainedTokens(),
                            (System.nanoTime() - start) / 1e9);
            log.accept(last); // log
            if (checkpoints != null && step % checkpoints.every() == 0) { // maybe checkpoint
                save(checkpoints.dirForStep().apply(step), step, checkpoints.seed());
            }
        }
        return last;
    }

    /**
     * Writes model + optimiser state; the version is the step, as there is no stream lineage here.
     */
    public CheckpointManifest save(Path dir, long step, Long seed) {
        try {
            return Checkpoints.save(
                    model,
                    optimizer.state(),
                    CheckpointManifest.of(step, null, step, seed, null, null),
                    dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + dir, e);
        }
    }

    @Override
    public void close() {
        optimizer.close();
        model.parameters().requireGradients(false);
    }
}
