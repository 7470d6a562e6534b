package dev.distill.core.generation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TokenSamplerTest {
    static final float[] LOGITS = {0f, 2f, 1f, 3f, -1f};

    static int[] counts(SamplingConfig cfg, int draws) {
        int[] c = new int[LOGITS.length];
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < draws; i++) {
            c[TokenSampler.sample(LOGITS, new int[0], 0, cfg, rng)]++;
        }
        return c;
    }

    @Test
    void greedyPicksTheArgmax() {
        assertEquals(
                3,
                TokenSampler.sample(
                        LOGITS,
                        new int[0],
                        0,
                        SamplingConfig.greedy(1, -1),
                        new SplittableRandom(0)));
    }

    @Test
    void temperatureOneSamplesTheSoftmax() {
        int n = 200_000;
        int[] c = counts(new SamplingConfig(1, 0, 1, 0, 1, -1, 0), n);
        double z = 0;
        for (float l : LOGITS) {
            z += Math.exp(l);
        }
        for (int i = 0; i < LOGITS.length; i++) {
            assertEquals(Math.exp(LOGITS[i]) / z, c[i] / (double) n, 0.005, "token " + i);
        }
    }

    @Test
    void topKKeepsOnlyTheKMostLikely() {
        int[] c = counts(new SamplingConfig(1, 2, 1, 0, 1, -1, 0), 10_000);
        assertEquals(0, c[0] + c[2] + c[4]);
        assertTrue(c[1] > 0 && c[3] > c[1]);
    }

    @Test
    void topPKeepsTheSmallestSetReachingP() {
        // softmax: token 3 has 0.64, token 1 0.24: p = 0.7 needs both, never the rest.
        int[] c = counts(new SamplingConfig(1, 0, 0.7, 0, 1, -1, 0), 10_000);
        assertEquals(0, c[0] + c[2] + c[4]);
        assertTrue(c[1] > 0);
    }

    @Test
    void noRepeatNgramBansTheCompletingToken() {
        int[] history = {3, 1, 3};
        // bigram (3, 1) seen: after ending in 3, token 1 is banned; greedy then picks 3 (still
        // allowed: (3,3) unseen).
        int tok =
                TokenSampler.sample(
                        new float[] {0, 5, 0, 4, 0},
                        history,
                        3,
                        new SamplingConfig(0, 0, 1, 2, 1, -1, 0),
                        new SplittableRandom(0));
        assertEquals(3, tok);
    }

    @Test
    void failsLoudlyOnNaNLogits() {
        assertThrows(
                IllegalStateException.class,
                () ->
                        TokenSampler.sample(
                                new float[] {0, Float.NaN},
                                new int[0],
                                0,
                                SamplingConfig.greedy(1, -1),
                                new SplittableRandom(0)));
    }
}
