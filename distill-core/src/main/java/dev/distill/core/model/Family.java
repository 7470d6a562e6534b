package dev.distill.core.model;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The architectures this platform computes, and the Hugging Face {@code model_type}s that select
 * them. A family fixes the seams of the shared block: the norm, the position encoding, the MLP and
 * the attention's projections.
 */
public enum Family {
    /** LayerNorm, learned positions, fused Conv1D q/k/v, tanh-GELU MLP. */
    GPT2("gpt2"),
    /** LayerNorm, learned positions offset by 2, separate q/k/v with biases, ReLU MLP. */
    OPT("opt"),
    /**
     * RMSNorm, rotary positions, grouped-query attention, SwiGLU MLP (Llama 2/3, Mistral, Qwen2/3,
     * SmolLM2).
     */
    LLAMA("llama", "mistral", "qwen2", "qwen3");

    private final List<String> modelTypes;

    Family(String... modelTypes) {
        this.modelTypes = List.of(modelTypes);
    }

    public List<String> modelTypes() {
        return modelTypes;
    }

    /** Every supported {@code model_type}, for error messages. */
    public static List<String> supportedModelTypes() {
        return Arrays.stream(values()).flatMap(f -> f.modelTypes.stream()).toList();
    }

    /** The family of a {@code model_type}, or an error listing the supported ones. */
    public static Family of(String modelType) {
        String t = modelType.toLowerCase(Locale.ROOT);
        for (Family f : values()) {
            if (f.modelTypes.contains(t)) {
                return f;
            }
        }
        throw new IllegalArgumentException(
                "model_type '"
                        + modelType
                        + "' is not supported; supported: "
                        + String.join(", ", supportedModelTypes()));
    }
}
