package dev.distill.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;

/**
 * Rotary position embeddings in Hugging Face's rotate-half layout: {@code x*cos +
 * rotate_half(x)*sin} with {@code rotate_half(x) = cat(-x[d/2:], x[:d/2])} and the angle table
 * duplicated over both halves. The cos/sin tables are computed once in double precision and held as
 * buffers of the model.
 */
final class Rotary {
    private final NDArray cosTable;
    private final NDArray sinTable;
    private final int half;

    Rotary(Parameters p, ModelConfig cfg) {
        int d = cfg.headDim();
        this.half = d / 2;
        double[] inv = cfg.rope().inverseFrequencies(d);
        float[] cos = new float[cfg.nPositions() * d];
        float[] sin = new float[cfg.nPositions() * d];
        for (int pos = 0; pos < cfg.nPositions(); pos++) {
            for (int i = 0; i < half; i++) {
                double angle = pos * inv[i];
                cos[pos * d + i] = cos[pos * d + half + i] = (float) Math.cos(angle);
                sin[pos * d + i] = sin[pos * d + half + i] = (float) Math.sin(angle);
            }
        }
        Shape shape = new Shape(cfg.nPositions(), d);
        this.cosTable = p.buffer("rotary.cos", cos, shape);
        this.sinTable = p.buffer("rotary.sin", sin, shape);
    }

    /** The angles of {@code positions} (B, T) int64, shaped to broadcast over heads. */
    Angles at(NDArray positions) {
        NDArray cos =
                Embedding.embedding(positions, cosTable, SparseFormat.DENSE)
                        .singletonOrThrow(); // (B, T, hd)
        NDArray sin =
                Embedding.embedding(positions, sinTable, SparseFormat.DENSE)
                        .singletonOrThrow(); // (B, T, hd)
        return new Angles(cos.expandDims(1), sin.expandDims(1), half); // (B, 1, T, hd)
    }

    /** cos and sin, each (B, 1, T, hd). */
    record Angles(NDArray cos, NDArray sin, int half) {
        NDArray rotate(NDArray x) {
            NDArray x1 = x.get(new NDIndex("..., :" + half)); // (B, H, T, hd/2)
            NDArray x2 = x.get(new NDIndex("..., " + half + ":")); // (B, H, T, hd/2)
            NDArray rotated = NDArrays.concat(new NDList(x2.neg(), x1), -1); // (B, H, T, hd)
            return x.mul(cos).add(rotated.mul(sin)); // (B, H, T, hd)
        }
    }
}
