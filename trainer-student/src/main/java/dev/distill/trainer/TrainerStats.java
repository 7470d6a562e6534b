package dev.distill.trainer;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Live counters of the loop, read by metrics and health; written only by the loop thread. */
final class TrainerStats {
    final AtomicLong rolloutsTrained = new AtomicLong();
    final AtomicLong responseTokens = new AtomicLong();
    final AtomicLong droppedStale = new AtomicLong();
    final AtomicLong deadLettered = new AtomicLong();
    final AtomicLong rounds = new AtomicLong();
    final AtomicLong version = new AtomicLong();
    final AtomicReference<Double> lastLoss = new AtomicReference<>(Double.NaN);
    /** Round means of the loss terms (pg, reg, ce, ...), keyed by term. */
    final java.util.concurrent.ConcurrentHashMap<String, Double> lossTerms = new java.util.concurrent.ConcurrentHashMap<>();
    /** Rollouts on the topic not yet consumed by this trainer. */
    final AtomicLong lag = new AtomicLong();
    /** Versions between the newest checkpoint and the oldest behaviour policy trained on in the last round. */
    final AtomicLong maxStaleness = new AtomicLong();
    final AtomicReference<Double> lastTokensPerSecond = new AtomicReference<>(0.0);
    final AtomicReference<String> state = new AtomicReference<>("STARTING");
    final AtomicReference<String> failure = new AtomicReference<>();
}
