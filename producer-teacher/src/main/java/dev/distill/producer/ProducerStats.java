package dev.distill.producer;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Live counters of the loop, read by metrics and health; written only by the loop thread. */
final class ProducerStats {
    final AtomicLong promptsConsumed = new AtomicLong();
    final AtomicLong rolloutsPublished = new AtomicLong();
    final AtomicLong responseTokens = new AtomicLong();
    final AtomicLong deadLettered = new AtomicLong();
    final AtomicLong studentVersion = new AtomicLong();
    /** Prompts on the topic not yet consumed by this instance's partitions. */
    final AtomicLong lag = new AtomicLong();
    final AtomicReference<Double> responseTokensPerSecond = new AtomicReference<>(0.0);
    final AtomicReference<Double> rolloutsPerSecond = new AtomicReference<>(0.0);
    final AtomicReference<String> state = new AtomicReference<>("STARTING");
    final AtomicReference<String> failure = new AtomicReference<>();
}
