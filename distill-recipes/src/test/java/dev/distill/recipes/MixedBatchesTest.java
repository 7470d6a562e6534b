package dev.distill.recipes;

import static dev.distill.core.TestModels.logSoftmax;
import static dev.distill.core.TestModels.logits;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.distill.core.model.CausalLm;
import dev.distill.core.model.GptConfig;
import dev.distill.core.model.NoGrad;
import dev.distill.core.train.LmLoss;
import dev.distill.core.train.TokenBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MixedBatchesTest {
    /**
     * Items i = 0..n-1: prompt [2, 3, 4+i%5] (length 2 + i%3), response [5 + i%7] * (1 + i%4), then
     * EOS 1.
     */
    static List<SftExample> items(int n) {
        List<SftExample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] prompt = Arrays.copyOf(new int[] {2, 3, 4 + i % 5}, 2 + i % 3);
            int[] response = new int[2 + i % 4];
            Arrays.fill(response, 5 + i % 7);
            response[response.length - 1] = 1;
            out.add(new SftExample("item-" + i, prompt, new int[][] {response}));
        }
        return out;
    }

    static List<int[]> windows(int n) {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new int[] {20 + i % 10, 21, 22, 23, 24, 25});
        }
        return out;
    }

    @Test
    void promptTokensCarryNoLossAndEveryResponseTokenWithItsEndDoes() {
        MixedBatches batches = new MixedBatches(items(40), windows(8), 4, 0, 3);
        TokenBatch b = batches.batch(1).tokens();
        int t = b.length();
        for (int r = 0; r < b.rows(); r++) {
            // The row's own length and prompt are recovered from the ids: prompts use ids 2..8 only
            // at the start.
            int[] ids = Arrays.stream(b.ids(), r * t, (r + 1) * t).mapToInt(x -> (int) x).toArray();
            SftExample ex =
                    items(40).stream()
                            .filter(e -> startsWith(ids, e.sequence(0)))
                            .findFirst()
                            .orElseThrow();
            int n = ex.sequence(0).length;
            for (int i = 1; i < t; i++) {
                float expected = i < ex.prompt().length || i >= n ? 0f : 1f;
                assertEquals(
                        expected,
                        b.mask()[r * (t - 1) + i - 1],
                        "row " + r + " target " + i + " of " + ex.id());
            }
        }
    }

    @Test
    void theMaskedLossIsTheMeanNegativeLogLikelihoodOfTheResponsesAlone() {
        GptConfig cfg = GptConfig.of(32, 16, 16, 1, 2).withEos(1);
        List<SftExample> two = items(2);
        TokenBatch batch =
                TokenBatch.of(
                        List.of(two.get(0).sequence(0), two.get(1).sequence(0)),
                        new int[] {two.get(0).lossStart(), two.get(1).lossStart()});
        try (NDManager root = NDManager.newBaseManager();
                CausalLm model = CausalLm.create(cfg, root, 5)) {
            double loss;
            try (NoGrad ignored = new NoGrad();
                    NDManager step = model.newStep()) {
                NDArray ids = step.create(batch.ids(), new Shape(batch.rows(), batch.length()));
                loss = LmLoss.crossEntropy(model.forward(ids), batch).getFloat();
            }
            double sum = 0;
            int count = 0;
            for (SftExample ex : two) {
                int[] seq = ex.sequence(0);
                float[][] logits = logits(model, seq);
                for (int i = ex.lossStart(); i < seq.length; i++) {
                    sum -= logSoftmax(logits[i - 1])[seq[i]];
                    count++;
                }
            }
            assertEquals(sum / count, loss, 1e-5, "loss over response tokens (and EOS) only");
        }
    }

    @Test
    void corpusStepsFollowTheFractionEvenlySpread() {
        StepMix mix = new StepMix(0.25);
        int corpus = 0;
        for (long s = 1; s <= 400; s++) {
            corpus += mix.isCorpusStep(s) ? 1 : 0;
            assertTrue(
                    !(mix.isCorpusStep(s) && mix.isCorpusStep(s + 1)),
                    "two corpus steps in a row at " + s);
        }
        assertEquals(100, corpus);
        assertEquals(100, mix.corpusStepsThrough(400));
        assertEquals(300, mix.sftStepsThrough(400));
    }

    @Test
    void aStepsBatchDependsOnlyOnTheSeedAndTheStep() {
        MixedBatches forward = new MixedBatches(items(40), windows(16), 4, 0.3, 9);
        MixedBatches backward = new MixedBatches(items(40), windows(16), 4, 0.3, 9);
        Map<Long, long[]> seen = new HashMap<>();
        for (long s = 1; s <= 60; s++) {
            seen.put(s, forward.batch(s).tokens().ids());
        }
        for (long s = 60; s >= 1; s--) { // crosses epochs in the other direction
            assertArrayEquals(seen.get(s), backward.batch(s).tokens().ids(), "step " + s);
        }
        MixedBatches otherSeed = new MixedBatches(items(40), windows(16), 4, 0.3, 10);
        assertTrue(
                !Arrays.equals(seen.get(1L), otherSeed.batch(1).tokens().ids())
                        || !Arrays.equals(seen.get(2L), otherSeed.batch(2).tokens().ids()),
                "another seed should reorder the data");
    }

    @Test
    void anEpochVisitsEveryItemOnce() {
        List<SftExample> items = items(40);
        MixedBatches batches = new MixedBatches(items, windows(4), 4, 0, 1);
        List<String> visited = new ArrayList<>();
        for (long s = 1; s <= 10; s++) {
            TokenBatch b = batches.batch(s).tokens();
            for (int r = 0; r < b.rows(); r++) {
                int[] ids =
                        Arrays.stream(b.ids(), r * b.length(), (r + 1) * b.length())
                                .mapToInt(x -> (int) x)
                                .toArray();
                visited.add(Arrays.toString(Arrays.copyOf(ids, realLength(ids))));
            }
        }
        List<String> all =
                new ArrayList<>(items.stream().map(e -> Arrays.toString(e.sequence(0))).toList());
        all.sort(null);
        visited.sort(null);
        assertEquals(all, visited);
    }

    private static int realLength(int[] ids) {
        int n = ids.length;
        while (ids[n - 1] == 0) {
            n--;
        }
        return n;
    }

    private static boolean startsWith(int[] ids, int[] seq) {
        return ids.length >= seq.length
                && Arrays.equals(Arrays.copyOf(ids, seq.length), seq)
                && (ids.length == seq.length || ids[seq.length] == 0);
    }
}
