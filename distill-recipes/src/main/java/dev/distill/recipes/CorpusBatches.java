package dev.distill.recipes;

import dev.distill.core.train.TokenBatch;
import java.util.ArrayList;
import java.util.List;

/**
 * Language-modelling batches of corpus windows in a seeded order per epoch; loss on every token.
 */
final class CorpusBatches {
    private final List<int[]> windows;
    private final EpochPlan plan;
    private final long seed;
    private long cachedEpoch = -1;
    private int[] order;

    CorpusBatches(List<int[]> windows, int batchSize, long seed) {
        this.windows = windows;
        this.plan = EpochPlan.of(windows.size(), batchSize, "no corpus windows to train on");
        this.seed = seed;
    }

    int batchesPerEpoch() {
        return plan.batchesPerEpoch();
    }

    /** The k-th (0-based) corpus batch of the run. */
    TokenBatch batch(long k) {
        long epoch = plan.epoch(k);
        if (epoch != cachedEpoch) {
            order = EpochOrder.permutation(windows.size(), EpochOrder.random(seed, 4, epoch));
            cachedEpoch = epoch;
        }
        int rows = plan.rows();
        int from = plan.index(k) * rows;
        List<int[]> seqs = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            seqs.add(windows.get(order[from + r]));
        }
        return TokenBatch.of(seqs, new int[rows]);
    }
}
