package dev.distill.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.distill.core.TestModels;
import dev.distill.core.checkpoint.Checkpoints;
import dev.distill.core.generation.Generator;
import dev.distill.core.generation.SamplingConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every family against an independent float64 numpy reference (src/test/resources/families, written
 * by make_families.py in Hugging Face's exact layout): per-token log-probabilities, the last
 * position's logits and greedy ids. Between them the variants cover grouped-query attention (2 and
 * 1 KV heads), q/k/v and output biases, Qwen3's q/k norms with head_dim != hidden/heads, tied and
 * untied heads, llama3 rope scaling, OPT's offset positions, F32/F16/BF16 weights, shards, a padded
 * vocabulary and lists of end ids. Also: the KV cache equals the full forward pass, and the model
 * is causal.
 */
class ModelFamiliesTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static int[] ints(JsonNode n) {
        int[] out = new int[n.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = n.get(i).asInt();
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "llama-gqa-untied",
                "llama3-bf16-sharded",
                "mistral-untied",
                "qwen2-padded-bias",
                "qwen3-qknorm-headdim",
                "opt-tied"
            })
    void matchesTheNumpyReference(String variant) throws Exception {
        Path dir = TestModels.family(variant);
        JsonNode ref = JSON.readTree(dir.resolve("reference.json").toFile());
        try (NDManager root = NDManager.newBaseManager();
                Checkpoints.Loaded loaded = Checkpoints.load(dir, root)) {
            CausalLm model = loaded.model();
            assertEquals(
                    ref.path("tokenizer_vocab").asInt(),
                    model.config().vocabSize(),
                    "logits cover the tokenizer's ids");
            assertEquals(
                    Arrays.stream(ints(ref.path("eos_ids"))).boxed().toList(),
                    model.config().eosTokenIds());

            int[] ids = ints(ref.path("ids"));
            float[][] logits = TestModels.logits(model, ids);
            JsonNode lp = ref.path("token_logprobs");
            for (int t = 1; t < ids.length; t++) {
                assertEquals(
                        lp.get(t - 1).asDouble(),
                        TestModels.logSoftmax(logits[t - 1])[ids[t]],
                        1e-4,
                        variant + ": log p(ids[" + t + "])");
            }
            JsonNode last = ref.path("last_logits");
            float[] got = logits[ids.length - 1];
            assertEquals(model.config().vocabSize(), got.length);
            for (int v = 0; v < got.length; v++) {
                assertEquals(last.get(v).asDouble(), got[v], 1e-4, variant + ": last logit " + v);
            }

            int[] expected = ints(ref.path("greedy"));
            List<Generator.Generation> gen =
                    Generator.generate(
                            model,
                            List.of(ints(ref.path("greedy_prompt"))),
                            SamplingConfig.greedy(8, -1));
            int[] tokens = gen.get(0).tokens();
            boolean endsWithEos = model.config().isEos(expected[expected.length - 1]);
            int[] expectedTokens =
                    endsWithEos ? Arrays.copyOf(expected, expected.length - 1) : expected;
            assertArrayEquals(expectedTokens, tokens, variant + ": greedy ids");
            assertEquals(
                    endsWithEos ? Generator.StopReason.EOS : Generator.StopReason.MAX_NEW_TOKENS,
                    gen.get(0).stop(),
                    variant + ": stops at any of the end ids");
            assertEquals(
                    endsWithEos ? expected[expected.length - 1] : -1,
                    gen.get(0).endId(),
                    variant + ": the end id met");
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "llama-gqa-untied",
                "llama3-bf16-sharded",
                "qwen3-qknorm-headdim",
                "opt-tied"
            })
    void kvCacheDecodingEqualsTheFullForwardPassAndIsCausal(String variant) throws Exception {
        try (NDManager root = NDManager.newBaseManager();
                Checkpoints.Loaded loaded = Checkpoints.load(TestModels.family(variant), root)) {
            CausalLm model = loaded.model();
            int[] tokens = {5, 17, 9, 33, 4, 21, 8, 40, 12, 7};
            float[][] full = TestModels.logits(model, tokens);
            int v = model.config().vocabSize();
            try (NoGrad ignored = new NoGrad();
                    NDManager step = model.newStep()) {
                List<KeyValue> past = null;
                int t0 = 0;
                List<int[]> chunks =
                        new ArrayList<>(
                                List.of(
                                        Arrays.copyOfRange(tokens, 0, 4),
                                        Arrays.copyOfRange(tokens, 4, 6)));
                for (int i = 6; i < tokens.length; i++) {
                    chunks.add(new int[] {tokens[i]});
                }
                for (int[] chunk : chunks) {
                    NDArray idx =
                            step.create(
                                    Arrays.stream(chunk).asLongStream().toArray(),
                                    new Shape(1, chunk.length));
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
                                    variant + " position " + (t0 + i));
                        }
                    }
                    past = o.present();
                    t0 += chunk.length;
                }
            }
            int[] changed = tokens.clone();
            changed[6] = 3;
            float[][] other = TestModels.logits(model, changed);
            for (int t = 0; t < 6; t++) {
                assertArrayEquals(
                        full[t], other[t], 0f, variant + ": position " + t + " saw a future token");
            }
            assertTrue(!Arrays.equals(full[6], other[6]), "position 6 must see its own token");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama-gqa-untied", "qwen3-qknorm-headdim", "opt-tied"})
    void aLeftPaddedBatchDecodesEachRowAsItWouldAlone(String variant) throws Exception {
        try (NDManager root = NDManager.newBaseManager();
                Checkpoints.Loaded loaded = Checkpoints.load(TestModels.family(variant), root)) {
            List<int[]> prompts =
                    List.of(
                            new int[] {5, 17, 9, 33, 4, 21},
                            new int[] {40, 12},
                            new int[] {7, 8, 9});
            SamplingConfig greedy = SamplingConfig.greedy(6, -1);
            List<Generator.Generation> batch = Generator.generate(loaded.model(), prompts, greedy);
            for (int r = 0; r < prompts.size(); r++) {
                int[] alone =
                        Generator.generate(loaded.model(), List.of(prompts.get(r)), greedy)
                                .get(0)
                                .tokens();
                assertArrayEquals(alone, batch.get(r).tokens(), variant + " row " + r);
            }
        }
    }
}
