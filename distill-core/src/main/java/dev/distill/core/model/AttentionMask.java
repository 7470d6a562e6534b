package dev.distill.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Additive attention masks. Blocked entries get a large finite negative rather than -inf: a query
 * whose keys are all blocked (a padding position) then gets a harmless uniform row instead of NaN,
 * and exp(-1e9) is exactly 0 in float32, so allowed positions are unaffected bit for bit.
 */
public final class AttentionMask {
    static final float BLOCKED = -1e9f;

    private AttentionMask() {}

    /**
     * Causal mask for {@code t} new queries after {@code past} cached positions: (1, 1, T, past +
     * T).
     */
    public static NDArray causal(NDManager m, int t, int past) {
        int tk = past + t;
        float[] mask = new float[t * tk];
        for (int i = 0; i < t; i++) {
            for (int j = past + i + 1; j < tk; j++) {
                mask[i * tk + j] = BLOCKED;
            }
        }
        return m.create(mask, new Shape(1, 1, t, tk));
    }

    /**
     * Causal mask that also blocks keys marked invalid (left padding in a batch): (B, 1, T, Tk),
     * where {@code validKeys[b]} covers all Tk = past + T key positions.
     */
    public static NDArray causalPadded(NDManager m, boolean[][] validKeys, int t) {
        int b = validKeys.length;
        int tk = validKeys[0].length;
        int past = tk - t;
        float[] mask = new float[b * t * tk];
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < t; i++) {
                int base = (r * t + i) * tk;
                for (int j = 0; j < tk; j++) {
                    if (j > past + i || !validKeys[r][j]) {
                        mask[base + j] = BLOCKED;
                    }
                }
            }
        }
        return m.create(mask, new Shape(b, 1, t, tk));
    }
}
