package dev.distill.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/** Multi-head causal self-attention; the causal (and padding) structure comes in as an additive mask. */
final class CausalSelfAttention {
    private final Dense cAttn;
    private final Dense cProj;
    private final int nHead;
    private final int nEmbd;

    CausalSelfAttention(Parameters p, String name, GptConfig cfg) {
        double std = 0.02;
        this.cAttn = new Dense(p, name + ".c_attn", cfg.nEmbd(), 3 * cfg.nEmbd(), std);
        // GPT-2 scales residual projections by 1/sqrt(2 * n_layer) so the residual stream keeps its scale.
        this.cProj = new Dense(p, name + ".c_proj", cfg.nEmbd(), cfg.nEmbd(), std / Math.sqrt(2.0 * cfg.nLayer()));
        this.nHead = cfg.nHead();
        this.nEmbd = cfg.nEmbd();
    }

    record Output(NDArray y, KeyValue present) {}

    /**
     * @param x    (B, T, C) normalised input
     * @param mask additive mask broadcastable to (B, H, T, Tpast + T): 0 where attention is allowed
     * @param past cached keys and values of earlier positions, or null
     */
    Output forward(NDArray x, NDArray mask, KeyValue past) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        long hs = nEmbd / nHead;
        NDList qkv = cAttn.forward(x).split(3, 2);                              // 3 x (B, T, C)
        NDArray q = qkv.get(0).reshape(b, t, nHead, hs).transpose(0, 2, 1, 3);  // (B, H, T, hs)
        NDArray k = qkv.get(1).reshape(b, t, nHead, hs).transpose(0, 2, 1, 3);  // (B, H, T, hs)
        NDArray v = qkv.get(2).reshape(b, t, nHead, hs).transpose(0, 2, 1, 3);  // (B, H, T, hs)
        if (past != null) {
            k = NDArrays.concat(new NDList(past.keys(), k), 2);                  // (B, H, Tk, hs)
            v = NDArrays.concat(new NDList(past.values(), v), 2);                // (B, H, Tk, hs)
        }
        NDManager m = x.getManager();
        NDArray scale = m.create((float) (1.0 / Math.sqrt(hs)));                 // () kept alive with the step
        NDArray att = q.matMul(k.transpose(0, 1, 3, 2)).mul(scale).add(mask);    // (B, H, T, Tk)
        att = att.softmax(-1);                                                   // (B, H, T, Tk)
        NDArray y = att.matMul(v)                                                // (B, H, T, hs)
                .transpose(0, 2, 1, 3).reshape(b, t, nEmbd);                     // (B, T, C)
        return new Output(cProj.forward(y), new KeyValue(k, v));                 // (B, T, C)
    }
}
