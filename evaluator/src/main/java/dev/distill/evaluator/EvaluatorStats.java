package dev.distill.evaluator;

import dev.distill.platform.loop.LoopStats;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Live counters of the evaluator, read by metrics and health; written only by the loop thread. */
final class EvaluatorStats {
    final LoopStats loop = new LoopStats();
    final AtomicLong evaluated = new AtomicLong();

    /** Versions passed over with distill.evaluator.every > 1, because a newer one was read. */
    final AtomicLong skipped = new AtomicLong();

    final AtomicLong lastVersion = new AtomicLong(-1);
    final AtomicReference<Double> lastRougeL = new AtomicReference<>(Double.NaN);
}
