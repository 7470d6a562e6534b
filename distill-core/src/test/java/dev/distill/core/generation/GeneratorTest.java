package dev.distill.core.generation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.distill.core.TestModels;
import dev.distill.core.model.CausalLm;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GeneratorTest {
    static NDManager root;
    static CausalLm model;

    @BeforeAll
    static void setUp() {
        root = NDManager.newBaseManager();
        model = CausalLm.create(TestModels.tiny(), root, 11);
    }

    @AfterAll
    static void tearDown() {
        model.close();
        root.close();
    }

    @Test
    void greedyDecodingPicksTheArgmaxOfTheFullForwardAtEveryStep() {
        int[] prompt = {1, 2, 3};
        var g = Generator.generate(model, List.of(prompt), SamplingConfig.greedy(8, -1)).get(0);
        assertEquals(8, g.tokens().length);
        int[] seq = prompt;
        for (int tok : g.tokens()) {
            float[][] logits = TestModels.logits(model, seq);
            float[] last = logits[seq.length - 1];
            int argmax = 0;
            for (int i = 1; i < last.length; i++) {
                argmax = last[i] > last[argmax] ? i : argmax;
            }
            assertEquals(argmax, tok);
            seq = java.util.Arrays.copyOf(seq, seq.length + 1);
            seq[seq.length - 1] = tok;
        }
    }

    @Test
    void batchedLeftPaddedRowsDecodeAsTheyWouldAlone() {
        List<int[]> prompts =
                List.of(new int[] {5}, new int[] {1, 2, 3, 4, 5, 6}, new int[] {9, 8, 7});
        SamplingConfig cfg = new SamplingConfig(1.0, 0, 1.0, 0, 10, -1, 42);
        var batched = Generator.generate(model, prompts, cfg);
        for (int r = 0; r < prompts.size(); r++) {
            // Row r alone must use the same per-row generator, so give it the same row index via
            // padding rows.
            List<int[]> alone = new java.util.ArrayList<>();
            for (int i = 0; i < r; i++) {
                alone.add(new int[] {0});
            }
            alone.add(prompts.get(r));
            var single = Generator.generate(model, alone, cfg).get(r);
            assertArrayEquals(single.tokens(), batched.get(r).tokens(), "row " + r);
        }
    }

    @Test
    void sameSeedSameSamplesDifferentSeedDifferentSamples() {
        List<int[]> prompts = List.of(new int[] {1, 2}, new int[] {3});
        var a = Generator.generate(model, prompts, new SamplingConfig(1.0, 0, 1.0, 0, 20, -1, 1));
        var b = Generator.generate(model, prompts, new SamplingConfig(1.0, 0, 1.0, 0, 20, -1, 1));
        var c = Generator.generate(model, prompts, new SamplingConfig(1.0, 0, 1.0, 0, 20, -1, 2));
        assertArrayEquals(a.get(0).tokens(), b.get(0).tokens());
        assertArrayEquals(a.get(1).tokens(), b.get(1).tokens());
        assertNotEquals(
                java.util.Arrays.toString(a.get(0).tokens()),
                java.util.Arrays.toString(c.get(0).tokens()));
    }

    @Test
    void stopsARowAtEosAndReportsWhy() {
        int[] prompt = {1, 2, 3};
        int first =
                Generator.generate(model, List.of(prompt), SamplingConfig.greedy(1, -1))
                        .get(0)
                        .tokens()[0];
        var g =
                Generator.generate(
                        model, List.of(prompt, new int[] {4}), SamplingConfig.greedy(6, first));
        assertEquals(0, g.get(0).tokens().length);
        assertEquals(Generator.StopReason.EOS, g.get(0).stop());
        assertTrue(g.get(1).tokens().length > 0);
    }

    @Test
    void noRepeatNgramNeverRepeatsAnNgram() {
        var g =
                Generator.generate(
                                model,
                                List.of(new int[] {1, 1, 2}),
                                new SamplingConfig(0, 0, 1, 2, 25, -1, 0))
                        .get(0);
        int[] all = new int[3 + g.tokens().length];
        all[0] = 1;
        all[1] = 1;
        all[2] = 2;
        System.arraycopy(g.tokens(), 0, all, 3, g.tokens().length);
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (int i = 0; i + 1 < all.length; i++) {
            assertTrue(
                    seen.add(all[i] * 1000L + all[i + 1]),
                    "bigram repeated at " + i + " in " + java.util.Arrays.toString(all));
        }
    }

    @Test
    void rejectsOutOfVocabularyPromptsAndOverlongRequests() {
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        Generator.generate(
                                model, List.of(new int[] {32}), SamplingConfig.greedy(2, -1)));
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        Generator.generate(
                                model, List.of(new int[] {1}), SamplingConfig.greedy(100, -1)));
    }

    @Test
    void scorerMatchesFullForwardLogSoftmaxAndTopK() {
        int[] seq = {4, 8, 15, 16, 23, 42 % 32};
        var s = Scorer.score(model, List.of(seq, new int[] {1, 2}), 5, true);
        float[][] logits = TestModels.logits(model, seq);
        for (int t = 0; t < seq.length - 1; t++) {
            double max = Double.NEGATIVE_INFINITY;
            for (float x : logits[t]) {
                max = Math.max(max, x);
            }
            double z = 0;
            for (float x : logits[t]) {
                z += Math.exp(x - max);
            }
            double expected = logits[t][seq[t + 1]] - max - Math.log(z);
            assertEquals(expected, s.get(0).nextLogProbs()[t], 1e-5);
            assertEquals(s.get(0).full()[t][seq[t + 1]], s.get(0).nextLogProbs()[t], 1e-6);
            float[] top = s.get(0).topLogProbs()[t];
            for (int j = 1; j < top.length; j++) {
                assertTrue(top[j - 1] >= top[j], "top-k sorted");
            }
            assertEquals(s.get(0).full()[t][s.get(0).topIds()[t][0]], top[0], 1e-6);
        }
        assertEquals(1, s.get(1).nextLogProbs().length);
    }
}
