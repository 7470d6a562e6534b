package dev.distill.core.model;

/**
 * Rotary position embedding's frequencies: {@code inv_freq[i] = theta^(-2i/d)}, optionally rescaled
 * as Llama 3.1/3.2 do for long contexts ({@code rope_scaling} of type {@code llama3}).
 */
public record Rope(double theta, Llama3Scaling scaling) {
    public Rope {
        if (!(theta > 0) || Double.isInfinite(theta)) {
            throw new IllegalArgumentException(
                    "rope_theta must be positive and finite, got " + theta);
        }
    }

    /**
     * Llama 3's frequency-dependent scaling: low frequencies divided by factor, a smooth ramp
     * between.
     */
    public record Llama3Scaling(
            double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositions) {
        public Llama3Scaling {
            if (!(factor >= 1)
                    || !(lowFreqFactor > 0)
                    || !(highFreqFactor > lowFreqFactor)
                    || originalMaxPositions <= 0) {
                throw new IllegalArgumentException(
                        "rope_scaling llama3 needs factor >= 1, 0 < low_freq_factor <"
                                + " high_freq_factor and original_max_position_embeddings > 0, got"
                                + " factor "
                                + factor
                                + ", low "
                                + lowFreqFactor
                                + ", high "
                                + highFreqFactor
                                + ", original "
                                + originalMaxPositions);
            }
        }
    }

    /**
     * The d/2 inverse frequencies for a head of size {@code headDim}, as Hugging Face computes
     * them.
     */
    public double[] inverseFrequencies(int headDim) {
        double[] inv = new double[headDim / 2];
        for (int i = 0; i < inv.length; i++) {
            inv[i] = 1.0 / Math.pow(theta, (2.0 * i) / headDim);
            if (scaling != null) {
                inv[i] = llama3(inv[i], scaling);
            }
        }
        return inv;
    }

    private static double llama3(double f, Llama3Scaling s) {
        double lowFreqWavelen = s.originalMaxPositions() / s.lowFreqFactor();
        double highFreqWavelen = s.originalMaxPositions() / s.highFreqFactor();
        double wavelen = 2 * Math.PI / f;
        if (wavelen < highFreqWavelen) {
            return f; // high frequencies: unchanged
        }
        if (wavelen > lowFreqWavelen) {
            return f / s.factor(); // low frequencies: interpolated by the factor
        }
        double smooth =
                (s.originalMaxPositions() / wavelen - s.lowFreqFactor())
                        / (s.highFreqFactor() - s.lowFreqFactor());
        return (1 - smooth) * f / s.factor() + smooth * f;
    }
}
