package dev.distill.core;

import dev.distill.core.train.TokenBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * "Count from a to b": prompt [a, b, SEP], response a, a+1, ..., b, EOS, on ids 0..19. A larger
 * model learns it well in seconds; a small one struggles: a known-better teacher for distillation
 * tests.
 */
public final class CountingTask {
    public static final int NUMBERS = 20;
    public static final int SEP = 20;
    public static final int EOS = 21;
    public static final int VOCAB = 22;

    private CountingTask() {}

    public static int[] prompt(int a, int b) {
        return new int[] {a, b, SEP};
    }

    public static int[] response(int a, int b) {
        int[] r = new int[b - a + 2];
        for (int i = a; i <= b; i++) {
            r[i - a] = i;
        }
        r[r.length - 1] = EOS;
        return r;
    }

    /**
     * Random (a, b) with 1..6 steps; {@code heldOut} selects the disjoint held-out half of ranges.
     */
    public static int[] range(SplittableRandom rng, boolean heldOut) {
        while (true) {
            int a = rng.nextInt(NUMBERS - 7);
            int b = a + 1 + rng.nextInt(6);
            if (((a * 7 + b) % 5 == 0) == heldOut) {
                return new int[] {a, b};
            }
        }
    }

    public static List<int[]> prompts(long seed, int n, boolean heldOut) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] r = range(rng, heldOut);
            out.add(prompt(r[0], r[1]));
        }
        return out;
    }

    /** Supervised batch: loss on the response (and EOS) only. */
    public static TokenBatch sftBatch(long seed, int rows) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<int[]> seqs = new ArrayList<>();
        int[] starts = new int[rows];
        for (int i = 0; i < rows; i++) {
            int[] r = range(rng, false);
            int[] p = prompt(r[0], r[1]);
            int[] y = response(r[0], r[1]);
            int[] s = new int[p.length + y.length];
            System.arraycopy(p, 0, s, 0, p.length);
            System.arraycopy(y, 0, s, p.length, y.length);
            seqs.add(s);
            starts[i] = p.length;
        }
        return TokenBatch.of(seqs, starts);
    }
}
