package dev.distill.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.distill.core.checkpoint.Checkpoints;
import dev.distill.core.checkpoint.SafeTensors;
import dev.distill.core.checkpoint.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads a Hugging Face GPT-2 layout file written here (transformer. prefix, Conv1D (in, out)
 * weights, attn.bias/masked_bias buffers) and compares the logits with an independent float64 numpy
 * forward pass ({@code reference/gpt2_reference.py}, output committed beside it).
 */
class HuggingFaceReferenceTest {
    static final int V = 50, P = 16, C = 12, L = 2;

    @TempDir Path dir;

    @Test
    void tiedHuggingFaceCheckpointMatchesNumpyReference() throws IOException {
        checkAgainstReference(false, "tied");
    }

    @Test
    void untiedHuggingFaceCheckpointMatchesNumpyReference() throws IOException {
        checkAgainstReference(true, "untied");
    }

    private void checkAgainstReference(boolean untied, String key) throws IOException {
        JsonNode ref;
        try (InputStream in =
                getClass().getResourceAsStream("/reference/gpt2_reference_logits.json")) {
            ref = new ObjectMapper().readTree(in);
        }
        writeHuggingFaceDirectory(dir, untied);
        int[] tokens = new ObjectMapper().convertValue(ref.get("tokens"), int[].class);
        try (NDManager root = NDManager.newBaseManager();
                Checkpoints.Loaded loaded = Checkpoints.load(dir, root);
                NDManager step = loaded.model().newStep()) {
            NDArray idx = step.create(toLong(tokens)).expandDims(0); // (1, T)
            float[] logits = loaded.model().forward(idx).toFloatArray(); // (1, T, V) flattened
            JsonNode expected = ref.get(key);
            for (int t = 0; t < tokens.length; t++) {
                for (int v = 0; v < V; v++) {
                    assertEquals(
                            expected.get(t).get(v).asDouble(),
                            logits[t * V + v],
                            1e-4,
                            key + " logit at position " + t + ", token " + v);
                }
            }
        }
    }

    static long[] toLong(int[] a) {
        long[] out = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }

    /**
     * Same closed-form weights as gpt2_reference.py, in Hugging Face's names, layout and extras.
     */
    static void writeHuggingFaceDirectory(Path dir, boolean untied) throws IOException {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("wte.weight", new long[] {V, C});
        shapes.put("wpe.weight", new long[] {P, C});
        for (int l = 0; l < L; l++) {
            String p = "h." + l + ".";
            shapes.put(p + "ln_1.weight", new long[] {C});
            shapes.put(p + "ln_1.bias", new long[] {C});
            shapes.put(p + "attn.c_attn.weight", new long[] {C, 3 * C});
            shapes.put(p + "attn.c_attn.bias", new long[] {3 * C});
            shapes.put(p + "attn.c_proj.weight", new long[] {C, C});
            shapes.put(p + "attn.c_proj.bias", new long[] {C});
            shapes.put(p + "ln_2.weight", new long[] {C});
            shapes.put(p + "ln_2.bias", new long[] {C});
            shapes.put(p + "mlp.c_fc.weight", new long[] {C, 4 * C});
            shapes.put(p + "mlp.c_fc.bias", new long[] {4 * C});
            shapes.put(p + "mlp.c_proj.weight", new long[] {4 * C, C});
            shapes.put(p + "mlp.c_proj.bias", new long[] {C});
        }
        shapes.put("ln_f.weight", new long[] {C});
        shapes.put("ln_f.bias", new long[] {C});
        if (untied) {
            shapes.put("lm_head.weight", new long[] {V, C});
        }
        Map<String, Tensor> file = new LinkedHashMap<>();
        int k = 0;
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            String name = e.getKey();
            int n = 1;
            for (long d : e.getValue()) {
                n *= (int) d;
            }
            float[] data = new float[n];
            for (int i = 0; i < n; i++) {
                double s = Math.sin(0.37 * i + 1.1 * k + 0.5);
                boolean lnWeight =
                        name.endsWith("ln_1.weight")
                                || name.endsWith("ln_2.weight")
                                || name.equals("ln_f.weight");
                data[i] =
                        (float)
                                (lnWeight
                                        ? 1.0 + 0.1 * s
                                        : name.endsWith(".bias") ? 0.05 * s : 0.3 * s);
            }
            k++;
            String stored = name.equals("lm_head.weight") ? name : "transformer." + name;
            file.put(stored, new Tensor(e.getValue(), data));
        }
        for (int l = 0; l < L; l++) {
            float[] tril = new float[P * P];
            for (int i = 0; i < P; i++) {
                for (int j = 0; j <= i; j++) {
                    tril[i * P + j] = 1f;
                }
            }
            file.put(
                    "transformer.h." + l + ".attn.bias", new Tensor(new long[] {1, 1, P, P}, tril));
            file.put(
                    "transformer.h." + l + ".attn.masked_bias",
                    new Tensor(new long[] {}, new float[] {-1e4f}));
        }
        SafeTensors.write(dir.resolve("model.safetensors"), file);
        String config =
                "{\n  \"architectures\": [\"GPT2LMHeadModel\"],\n  \"model_type\": \"gpt2\",\n"
                        + "  \"activation_function\": \"gelu_new\",\n  \"vocab_size\": "
                        + V
                        + ",\n  \"n_positions\": "
                        + P
                        + ",\n  \"n_ctx\": "
                        + P
                        + ",\n  \"n_embd\": "
                        + C
                        + ",\n  \"n_layer\": "
                        + L
                        + ",\n"
                        + "  \"n_head\": 3,\n"
                        + "  \"layer_norm_epsilon\": 1e-05,\n"
                        + "  \"resid_pdrop\": 0.1,\n"
                        + "  \"bos_token_id\": 0,\n"
                        + "  \"eos_token_id\": 0"
                        + (untied ? ",\n  \"tie_word_embeddings\": false" : "")
                        + "\n}\n";
        Files.writeString(dir.resolve("config.json"), config);
    }
}
