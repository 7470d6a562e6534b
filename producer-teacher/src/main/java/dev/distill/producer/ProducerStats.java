package dev.distill.producer;

import dev.distill.platform.loop.LoopStats;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Live counters of the producer, read by metrics and health; written only by the loop thread. */
final class ProducerStats {
    final LoopStats loop = new LoopStats();
    final AtomicLong rolloutsPublished = new AtomicLong();
    final AtomicLong responseTokens = new AtomicLong();
    final AtomicLong studentVersion = new AtomicLong();

    /**
     * Checkpoint events the student follower refused (undecodable, outside the run's chain, or
     * failing verification); written by the follower thread.
     */
    final AtomicLong checkpointsRejected = new AtomicLong();

    final AtomicReference<Double> responseTokensPerSecond = new AtomicReference<>(0.0);
    final AtomicReference<Double> rolloutsPerSecond = new AtomicReference<>(0.0);
}
