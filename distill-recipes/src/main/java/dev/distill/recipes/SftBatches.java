package dev.distill.recipes;

import dev.distill.core.train.TokenBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Instruction batches: each epoch visits every item once in a seeded order, training on one of its
 * references (drawn per epoch, so a multi-answer item teaches all its answers over the epochs). To
 * cut padding, items are grouped by length within pools of {@value #POOL} batches, and the batches
 * of a pool are then shuffled again: batches of similar lengths, without sorting the whole epoch by
 * length. Batch k is a pure function of (seed, k), so resuming needs no saved data position.
 */
final class SftBatches {
    static final int POOL = 16;

    private final List<SftExample> items;
    private final EpochPlan plan;
    private final long seed;
    private long cachedEpoch = -1;
    private List<int[][]> cached; // per batch: {item indices, reference indices}

    SftBatches(List<SftExample> items, int batchSize, long seed) {
        this.items = items;
        this.plan = EpochPlan.of(items.size(), batchSize, "no instruction items to train on");
        this.seed = seed;
    }

    int batchesPerEpoch() {
        return plan.batchesPerEpoch();
    }

    /** The k-th (0-based) instruction batch of the run. */
    TokenBatch batch(long k) {
        long epoch = plan.epoch(k);
        if (epoch != cachedEpoch) {
            cached = epoch(epoch);
            cachedEpoch = epoch;
        }
        int[][] b = cached.get(plan.index(k));
        List<int[]> seqs = new ArrayList<>(b[0].length);
        int[] lossStart = new int[b[0].length];
        for (int r = 0; r < b[0].length; r++) {
            SftExample ex = items.get(b[0][r]);
            seqs.add(ex.sequence(b[1][r]));
            lossStart[r] = ex.lossStart();
        }
        return TokenBatch.of(seqs, lossStart);
    }

    private List<int[][]> epoch(long epoch) {
        int[] order = EpochOrder.permutation(items.size(), EpochOrder.random(seed, 1, epoch));
        SplittableRandom refRng = EpochOrder.random(seed, 2, epoch);
        int[] ref = new int[items.size()];
        for (int i = 0; i < ref.length; i++) {
            ref[i] = refRng.nextInt(items.get(i).responses().length);
        }
        int rows = plan.rows();
        int used = plan.batchesPerEpoch() * rows;
        List<int[][]> batches = new ArrayList<>(plan.batchesPerEpoch());
        for (int from = 0, pool = 0; from < used; from += POOL * rows, pool++) {
            Integer[] p =
                    Arrays.stream(order, from, Math.min(used, from + POOL * rows))
                            .boxed()
                            .toArray(Integer[]::new);
            Arrays.sort(
                    p,
                    Comparator.comparingInt(i -> items.get(i).sequence(ref[i]).length)); // stable
            int n = p.length / rows;
            int[] batchOrder = EpochOrder.permutation(n, EpochOrder.random(seed, 3, epoch, pool));
            for (int j : batchOrder) {
                int[][] b = new int[2][rows];
                for (int r = 0; r < rows; r++) {
                    b[0][r] = p[j * rows + r];
                    b[1][r] = ref[b[0][r]];
                }
                batches.add(b);
            }
        }
        return batches;
    }
}
