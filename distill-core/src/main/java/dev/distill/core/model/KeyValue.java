package dev.distill.core.model;

import ai.djl.ndarray.NDArray;

/** Keys and values of one attention layer over all positions seen so far: each (B, KVH, Tk, hd). */
public record KeyValue(NDArray keys, NDArray values) {
    public long length() {
        return keys.getShape().get(2);
    }
}
