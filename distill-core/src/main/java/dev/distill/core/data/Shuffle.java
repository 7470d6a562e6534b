package dev.distill.core.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded shuffle written out (Fisher-Yates on SplittableRandom), so an order is fixed by its seed
 * alone.
 */
public final class Shuffle {
    private Shuffle() {}

    /** A shuffled copy of {@code items}; {@code items} is left as it is. */
    public static <T> List<T> of(List<T> items, SplittableRandom rng) {
        List<T> out = new ArrayList<>(items);
        for (int i = out.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            T t = out.get(i);
            out.set(i, out.get(j));
            out.set(j, t);
        }
        return out;
    }
}
