package dev.distill.trainer;

import dev.distill.platform.loop.LoopStats;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Live counters of the trainer, read by metrics and health; written only by the loop thread. */
final class TrainerStats {
    final LoopStats loop = new LoopStats();
    final AtomicLong rolloutsTrained = new AtomicLong();
    final AtomicLong responseTokens = new AtomicLong();
    final AtomicLong droppedStale = new AtomicLong();
    final AtomicLong rounds = new AtomicLong();
    final AtomicLong version = new AtomicLong();
    final AtomicReference<Double> lastLoss = new AtomicReference<>(Double.NaN);

    /** Round means of the loss terms (pg, reg, ce, ...), keyed by term. */
    final ConcurrentHashMap<String, Double> lossTerms = new ConcurrentHashMap<>();

    /**
     * Versions between the newest checkpoint and the oldest behaviour policy trained on in the last
     * round.
     */
    final AtomicLong maxStaleness = new AtomicLong();

    final AtomicReference<Double> lastTokensPerSecond = new AtomicReference<>(0.0);
}
