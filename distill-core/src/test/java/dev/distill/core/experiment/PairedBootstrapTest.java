package dev.distill.core.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PairedBootstrapTest {

    private static double[] noisy(SplittableRandom rng, double[] base, double shift, double noise) {
        double[] out = new double[base.length];
        for (int i = 0; i < base.length; i++) {
            out[i] = base[i] + shift + noise * (rng.nextDouble() - 0.5);
        }
        return out;
    }

    @Test
    void aConsistentGainOnPairedItemsExcludesZeroAlthoughItemsVaryWidely() {
        SplittableRandom rng = new SplittableRandom(1);
        double[] base = new double[400];
        for (int i = 0; i < base.length; i++) {
            base[i] = 100 * rng.nextDouble(); // items differ far more than the arms do
        }
        List<double[]> a =
                List.of(noisy(rng, base, 1, 2), noisy(rng, base, 1, 2), noisy(rng, base, 1, 2));
        List<double[]> b =
                List.of(noisy(rng, base, 0, 2), noisy(rng, base, 0, 2), noisy(rng, base, 0, 2));
        PairedBootstrap.Interval ci = PairedBootstrap.of(a, b, 2000, 3);
        assertEquals(1, ci.difference(), 0.15);
        assertTrue(ci.excludesZero() && ci.low() > 0.5 && ci.high() < 1.5, ci.toString());
    }

    @Test
    void noDifferenceGivesAnIntervalAroundZero() {
        SplittableRandom rng = new SplittableRandom(2);
        double[] base = new double[300];
        for (int i = 0; i < base.length; i++) {
            base[i] = 100 * rng.nextDouble();
        }
        PairedBootstrap.Interval ci =
                PairedBootstrap.of(
                        List.of(noisy(rng, base, 0, 10)),
                        List.of(noisy(rng, base, 0, 10)),
                        2000,
                        4);
        assertFalse(ci.excludesZero(), ci.toString());
    }

    @Test
    void theSpreadBetweenTrainingRunsWidensTheInterval() {
        SplittableRandom rng = new SplittableRandom(3);
        double[] base = new double[300];
        List<double[]> steady =
                List.of(noisy(rng, base, 1, 1), noisy(rng, base, 1, 1), noisy(rng, base, 1, 1));
        List<double[]> erratic =
                List.of(noisy(rng, base, -2, 1), noisy(rng, base, 1, 1), noisy(rng, base, 4, 1));
        List<double[]> ref = List.of(noisy(rng, base, 0, 1));
        double narrow = width(PairedBootstrap.of(steady, ref, 2000, 5));
        double wide = width(PairedBootstrap.of(erratic, ref, 2000, 5));
        assertTrue(
                wide > 4 * narrow,
                "runs that disagree must widen the interval: " + narrow + " vs " + wide);
    }

    @Test
    void refusesRunsScoringDifferentItems() {
        assertThrows(
                IllegalArgumentException.class,
                () -> PairedBootstrap.of(List.of(new double[3]), List.of(new double[4]), 100, 1));
    }

    private static double width(PairedBootstrap.Interval ci) {
        return ci.high() - ci.low();
    }
}
