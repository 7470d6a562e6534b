package dev.distill.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * Causal self-attention for every family. The seams: GPT-2's fused q/k/v projection or separate
 * ones (with or without biases), grouped-query attention (KV head j serves query heads j*r ..
 * j*r+r-1), Qwen3's per-head q/k RMSNorm, and rotary positions. The causal and padding structure
 * comes in as an additive mask.
 */
final class Attention {
    private final Dense qkv;
    private final Dense q;
    private final Dense k;
    private final Dense v;
    private final Dense out;
    private final Norm qNorm;
    private final Norm kNorm;
    private final int nHead;
    private final int nKvHead;
    private final int headDim;

    Attention(Parameters p, String name, ModelConfig cfg) {
        int c = cfg.hidden();
        this.nHead = cfg.nHead();
        this.nKvHead = cfg.nKvHead();
        this.headDim = cfg.headDim();
        int qWidth = nHead * headDim;
        int kvWidth = nKvHead * headDim;
        double std = 0.02;
        if (cfg.family() == Family.GPT2) {
            this.qkv = new Dense(p, name + "c_attn", c, 3 * c, std);
            this.q = this.k = this.v = null;
            // GPT-2 scales residual projections by 1/sqrt(2 * n_layer) so the residual stream keeps
            // its scale.
            this.out = new Dense(p, name + "c_proj", c, c, std / Math.sqrt(2.0 * cfg.nLayer()));
        } else {
            this.qkv = null;
            this.q = new Dense(p, name + "q_proj", c, qWidth, std, cfg.qkvBias());
            this.k = new Dense(p, name + "k_proj", c, kvWidth, std, cfg.qkvBias());
            this.v = new Dense(p, name + "v_proj", c, kvWidth, std, cfg.qkvBias());
            this.out =
                    new Dense(
                            p,
                            name + (cfg.family() == Family.OPT ? "out_proj" : "o_proj"),
                            qWidth,
                            c,
                            std,
                            cfg.outBias());
        }
        this.qNorm =
                cfg.qkNorm()
                        ? new RmsNormalization(p, name + "q_norm", headDim, cfg.normEps())
                        : null;
        this.kNorm =
                cfg.qkNorm()
                        ? new RmsNormalization(p, name + "k_norm", headDim, cfg.normEps())
                        : null;
    }

    record Output(NDArray y, KeyValue present) {}

    /**
     * @param x (B, T, C) normalised input
     * @param rotary cos/sin of each position, each (B, 1, T, hd), or null for learned positions
     * @param mask additive mask broadcastable to (B, H, T, Tpast + T): 0 where attention is allowed
     * @param past cached keys and values of earlier positions, or null
     */
    Output forward(NDArray x, Rotary.Angles rotary, NDArray mask, KeyValue past) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        NDArray qh;
        NDArray kh;
        NDArray vh;
        if (qkv != null) {
            NDList parts = qkv.forward(x).split(3, 2); // 3 x (B, T, C)
            qh = parts.get(0);
            kh = parts.get(1);
            vh = parts.get(2);
        } else {
            qh = q.forward(x); // (B, T, H*hd)
            kh = k.forward(x); // (B, T, KVH*hd)
            vh = v.forward(x); // (B, T, KVH*hd)
        }
        qh = qh.reshape(b, t, nHead, headDim); // (B, T, H, hd)
        kh = kh.reshape(b, t, nKvHead, headDim); // (B, T, KVH, hd)
        vh = vh.reshape(b, t, nKvHead, headDim).transpose(0, 2, 1, 3); // (B, KVH, T, hd)
        if (qNorm != null) {
            qh = qNorm.forward(qh); // (B, T, H, hd)
            kh = kNorm.forward(kh); // (B, T, KVH, hd)
        }
        qh = qh.transpose(0, 2, 1, 3); // (B, H, T, hd)
        kh = kh.transpose(0, 2, 1, 3); // (B, KVH, T, hd)
        if (rotary != null) {
            qh = rotary.rotate(qh); // (B, H, T, hd)
            kh = rotary.rotate(kh); // (B, KVH, T, hd)
        }
        if (past != null) {
            kh = NDArrays.concat(new NDList(past.keys(), kh), 2); // (B, KVH, Tk, hd)
            vh = NDArrays.concat(new NDList(past.values(), vh), 2); // (B, KVH, Tk, hd)
        }
        NDManager m = x.getManager();
        NDArray scale = m.create((float) (1.0 / Math.sqrt(headDim))); // () kept alive with the step
        NDArray y;
        if (nKvHead == nHead) {
            NDArray att = qh.matMul(kh.transpose(0, 1, 3, 2)).mul(scale).add(mask); // (B, H, T, Tk)
            y = att.softmax(-1).matMul(vh); // (B, H, T, hd)
        } else {
            // Grouped queries: each KV head's r query heads attend to it without copying the keys.
            int r = nHead / nKvHead;
            NDArray qg = qh.reshape(b, nKvHead, r, t, headDim); // (B, KVH, r, T, hd)
            NDArray kt = kh.transpose(0, 1, 3, 2).expandDims(2); // (B, KVH, 1, hd, Tk)
            NDArray att = qg.matMul(kt).mul(scale).add(mask.expandDims(2)); // (B, KVH, r, T, Tk)
            y =
                    att.softmax(-1)
                            .matMul(vh.expandDims(2)) // (B, KVH, r, T, hd)
                            .reshape(b, nHead, t, headDim); // (B, H, T, hd)
        }
        y = y.transpose(0, 2, 1, 3).reshape(b, t, (long) nHead * headDim); // (B, T, H*hd)
        return new Output(out.forward(y), new KeyValue(kh, vh)); // (B, T, C)
    }
}
