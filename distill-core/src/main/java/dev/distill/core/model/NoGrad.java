package dev.distill.core.model;

import ai.djl.pytorch.jni.JniUtils;

/**
 * Turns autograd recording off for inference on the current thread and restores it on close.
 * PyTorch's grad mode is thread-local and on by default, so a service worker thread would otherwise
 * build (and hold) a backward graph for every generated token.
 */
public final class NoGrad implements AutoCloseable {
    private final boolean previous;

    public NoGrad() {
        previous = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
    }

    @Override
    public void close() {
        JniUtils.setGradMode(previous);
    }
}
