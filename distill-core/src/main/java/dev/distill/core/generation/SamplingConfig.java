package dev.distill.core.generation;

/**
 * How to pick each next token.
 *
 * @param temperature 0 means greedy (argmax); otherwise logits are divided by it
 * @param topK keep only the k most likely tokens (0 = off)
 * @param topP keep the smallest set whose probability reaches p (1 = off)
 * @param noRepeatNgram forbid any token that would repeat an n-gram of prompt + output (0 = off)
 * @param maxNewTokens stop after this many generated tokens
 * @param eosId stop a row when it samples this id (negative = never)
 * @param seed row r samples from its own generator seeded by (seed, r)
 */
public record SamplingConfig(
        double temperature,
        int topK,
        double topP,
        int noRepeatNgram,
        int maxNewTokens,
        int eosId,
        long seed) {
    public SamplingConfig {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException(
                    "temperature must be a finite number >= 0, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top-k must be >= 0, got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        }
        if (noRepeatNgram < 0) {
            throw new IllegalArgumentException(
                    "no-repeat-ngram must be >= 0, got " + noRepeatNgram);
        }
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("max new tokens must be >= 1, got " + maxNewTokens);
        }
    }

    public static SamplingConfig greedy(int maxNewTokens, int eosId) {
        return new SamplingConfig(0, 0, 1, 0, maxNewTokens, eosId, 0);
    }

    /** The MiniLLM paper's evaluation protocol: temperature 1, no-repeat-ngram 6. */
    public static SamplingConfig paperEval(int maxNewTokens, int eosId, long seed) {
        return new SamplingConfig(1, 0, 1, 6, maxNewTokens, eosId, seed);
    }

    public boolean greedy() {
        return temperature == 0;
    }
}
