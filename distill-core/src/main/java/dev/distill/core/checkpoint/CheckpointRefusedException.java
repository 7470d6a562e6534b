package dev.distill.core.checkpoint;

import java.io.IOException;

/**
 * A checkpoint that is not opened because of where it is or what it is: outside the store, or not
 * the weights it was announced with. Never transient: retrying cannot make it acceptable.
 */
public final class CheckpointRefusedException extends IOException {
    public CheckpointRefusedException(String message) {
        super(message);
    }
}
