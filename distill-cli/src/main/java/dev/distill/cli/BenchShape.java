package dev.distill.cli;

import dev.distill.core.model.ModelConfig;
import dev.distill.core.model.Rope;
import java.util.Arrays;
import java.util.List;

/**
 * The real model shapes {@code bench/llama_peer.py} measures, built directly as {@link
 * ModelConfig}s (random weights, no config.json). No end-of-text ids: a random model must never
 * stop a generation early, or the Java and torch runs would time different token counts.
 */
enum BenchShape {
    /** HuggingFaceTB/SmolLM2-135M. */
    SMOLLM2_135M("smollm2-135m", 134_515_008L),
    /** Qwen/Qwen2.5-0.5B; its real context is 32768, but every measurement here fits in 2048. */
    QWEN25_05B("qwen2.5-0.5b", 494_032_768L),
    /** The peer's smoke-test shape: 64,000 embedding + 2 x 36,992 per layer + 64 final norm. */
    TINY("tiny", 138_048L);

    private final String id;
    private final long peerParams;

    BenchShape(String id, long peerParams) {
        this.id = id;
        this.peerParams = peerParams;
    }

    String id() {
        return id;
    }

    /**
     * The parameter count llama_peer.py prints for this shape (tied head), to check the two agree.
     */
    long peerParams() {
        return peerParams;
    }

    /**
     * @param tiedHead false unties lm_head from the embedding (the --large load variant)
     */
    ModelConfig config(boolean tiedHead) {
        return switch (this) {
            case SMOLLM2_135M ->
                    llama("llama", 49152, 576, 30, 9, 3, 1536, 1e-5, 100_000, false, tiedHead);
            case QWEN25_05B ->
                    llama("qwen2", 151936, 896, 24, 14, 2, 4864, 1e-6, 1_000_000, true, tiedHead);
            case TINY -> llama("llama", 1000, 64, 2, 4, 2, 128, 1e-5, 10_000, false, tiedHead);
        };
    }

    private static ModelConfig llama(
            String type,
            int vocab,
            int hidden,
            int layers,
            int heads,
            int kvHeads,
            int intermediate,
            double eps,
            double theta,
            boolean qkvBias,
            boolean tied) {
        return new ModelConfig(
                type,
                vocab,
                vocab,
                2048,
                hidden,
                layers,
                heads,
                kvHeads,
                hidden / heads,
                intermediate,
                eps,
                tied,
                List.of(),
                null,
                new Rope(theta, null),
                qkvBias,
                false,
                false);
    }

    static BenchShape of(String id) {
        for (BenchShape s : values()) {
            if (s.id.equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException(
                "unknown shape '"
                        + id
                        + "'; expected one of "
                        + String.join(", ", Arrays.stream(values()).map(BenchShape::id).toList()));
    }
}
