package dev.distill.recipes;

import java.util.SplittableRandom;

/**
 * Seeded shuffles. Written out (Fisher-Yates on SplittableRandom) so the order is fixed by the seed
 * alone.
 */
final class EpochOrder {
    private EpochOrder() {}

    /**
     * A generator for one purpose: the run's seed mixed with the given parts (kind, epoch,
     * pool...).
     */
    static SplittableRandom random(long seed, long... parts) {
        long h = seed;
        for (long p : parts) {
            h = h * 1_000_003L + p + 0x9E3779B97F4A7C15L;
        }
        return new SplittableRandom(h);
    }

    static int[] permutation(int n, SplittableRandom rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        shuffle(p, rng);
        return p;
    }

    static void shuffle(int[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
