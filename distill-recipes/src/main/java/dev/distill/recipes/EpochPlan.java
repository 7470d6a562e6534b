package dev.distill.recipes;

/**
 * How a run walks over a data set in whole batches: {@code rows} per batch, {@code batchesPerEpoch}
 * per pass (the remainder of an epoch is skipped, so every batch is full and batch k has a fixed
 * position).
 */
record EpochPlan(int rows, int batchesPerEpoch) {

    static EpochPlan of(int items, int batchSize, String nothingToTrainOn) {
        if (items == 0) {
            throw new IllegalArgumentException(nothingToTrainOn);
        }
        int rows = Math.min(batchSize, items);
        return new EpochPlan(rows, items / rows);
    }

    /** The pass that the k-th (0-based) batch of the run belongs to. */
    long epoch(long k) {
        return k / batchesPerEpoch;
    }

    /** The k-th batch's position within its pass. */
    int index(long k) {
        return (int) (k % batchesPerEpoch);
    }
}
