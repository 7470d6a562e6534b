package dev.distill.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.distill.core.TestModels;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GptTest {
    static NDManager root;
    static CausalLm model;

    @BeforeAll
    static void setUp() {
        root = NDManager.newBaseManager();
        model = CausalLm.create(TestModels.tiny(), root, 7);
    }

    @AfterAll
    static void tearDown() {
        model.close();
        root.close();
    }

    @Test
    void namesParametersLikeHuggingFaceGpt2() {
        var names = model.parameters().asMap().keySet();
        assertTrue(
                names.containsAll(
                        List.of(
                                "wte.weight",
                                "wpe.weight",
                                "h.0.ln_1.weight",
                                "h.0.attn.c_attn.weight",
                                "h.0.attn.c_attn.bias",
                                "h.0.attn.c_proj.weight",
                                "h.1.mlp.c_fc.weight",
                                "h.1.mlp.c_proj.bias",
                                "ln_f.weight",
                                "ln_f.bias")),
                names.toString());
        assertEquals(TestModels.tiny().parameterCount(), model.parameters().count());
    }

    @Test
    void changingAFutureTokenLeavesEarlierLogitsIdentical() {
        int[] a = {1, 2, 3, 4, 5, 6, 7, 8};
        int[] b = a.clone();
        b[5] = 20;
        b[7] = 0;
        float[][] la = TestModels.logits(model, a);
        float[][] lb = TestModels.logits(model, b);
        for (int t = 0; t < 5; t++) {
            assertArrayEquals(la[t], lb[t], 0f, "position " + t + " saw a future token");
        }
        assertTrue(
                la[5][0] != lb[5][0] || la[5][1] != lb[5][1], "position 5 must see its own token");
    }

    @Test
    void kvCacheLogitsEqualFullForwardLogits() {
        int[] tokens = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8};
        float[][] full = TestModels.logits(model, tokens);
        int v = model.config().vocabSize();
        try (NoGrad ignored = new NoGrad();
                NDManager step = model.newStep()) {
            int prefill = 5;
            List<KeyValue> past = null;
            int t0 = 0;
            List<int[]> chunks = new ArrayList<>();
            chunks.add(java.util.Arrays.copyOfRange(tokens, 0, prefill));
            for (int i = prefill; i < tokens.length; i++) {
                chunks.add(new int[] {tokens[i]});
            }
            for (int[] chunk : chunks) {
                long[] ids = new long[chunk.length];
                for (int i = 0; i < chunk.length; i++) {
                    ids[i] = chunk[i];
                }
                NDArray idx = step.create(ids, new Shape(1, chunk.length));
                NDArray pos =
                        step.arange(t0, t0 + chunk.length, 1, DataType.INT64)
                                .reshape(1, chunk.length);
                CausalLm.Output o =
                        model.forward(
                                idx,
                                pos,
                                AttentionMask.causal(step, chunk.length, t0),
                                past,
                                false);
                float[] got = o.logits().toFloatArray();
                for (int i = 0; i < chunk.length; i++) {
                    for (int k = 0; k < v; k++) {
                        assertEquals(
                                full[t0 + i][k],
                                got[i * v + k],
                                1e-5,
                                "position " + (t0 + i) + " token " + k);
                    }
                }
                past = o.present();
                t0 += chunk.length;
            }
        }
    }

    @Test
    void rejectsSequencesLongerThanThePositionTable() {
        int[] tokens = new int[model.config().nPositions() + 1];
        assertThrows(IllegalArgumentException.class, () -> TestModels.logits(model, tokens));
    }

    @Test
    void configRejectsHeadsThatDoNotDivideTheWidth() {
        var e = assertThrows(IllegalArgumentException.class, () -> GptConfig.of(10, 8, 30, 1, 4));
        assertTrue(e.getMessage().contains("divisible"), e.getMessage());
    }
}
