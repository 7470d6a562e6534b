package dev.distill.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** Masked next-token cross-entropy, a pure function of logits and a batch. */
public final class LmLoss {
    private LmLoss() {}

    /**
     * @param logits (B, T, V) logits over the batch's ids
     * @return () mean negative log-likelihood over the masked-in targets
     */
    public static NDArray crossEntropy(NDArray logits, TokenBatch batch) {
        NDManager m = logits.getManager();
        int b = batch.rows();
        int tp = batch.length() - 1;
        float count = 0;
        for (float x : batch.mask()) {
            count += x;
        }
        if (count == 0) {
            throw new IllegalArgumentException(
                    "batch has no trained tokens (every loss mask entry is 0)");
        }
        NDArray logp = logits.get(":, :-1, :").logSoftmax(-1); // (B, T-1, V)
        NDArray targets = m.create(batch.targets(), new Shape(b, tp, 1)); // (B, T-1, 1)
        NDArray picked = logp.gather(targets, 2).reshape(b, tp); // (B, T-1)
        NDArray mask = m.create(batch.mask(), new Shape(b, tp)); // (B, T-1)
        return picked.mul(mask).sum().neg().div(m.create(count)); // ()
    }
}
