package dev.distill.platform.checkpoint;

import ai.djl.ndarray.NDManager;
import dev.distill.core.checkpoint.CheckpointStores;
import dev.distill.core.checkpoint.Checkpoints;
import dev.distill.schemas.avro.CheckpointEvent;
import java.io.IOException;
import java.net.URI;

/**
 * Opens the checkpoint a {@link CheckpointEvent} announces, the one way every reader of
 * distill.checkpoints does: resolve its URI through the checkpoint stores, load it, and compare its
 * weights' SHA-256 with the event's before anyone uses it.
 */
public final class PublishedCheckpoints {
    private PublishedCheckpoints() {}

    /**
     * @return the loaded checkpoint; the caller owns (and closes) it
     * @throws IOException naming the version and the reason when it cannot be found, read or
     *     verified (nothing stays allocated then)
     */
    public static Checkpoints.Loaded loadVerified(CheckpointEvent e, NDManager root)
            throws IOException {
        String which = "checkpoint v" + e.getVersion() + " of run " + e.getRunId() + ": ";
        Checkpoints.Loaded loaded;
        try {
            loaded = Checkpoints.load(CheckpointStores.open(URI.create(e.getUri())), root);
        } catch (IOException | RuntimeException ex) {
            throw new IOException(which + ex.getMessage(), ex);
        }
        String sha = loaded.manifest().map(m -> m.weightsSha256()).orElse("");
        if (!sha.equals(e.getSha256())) {
            loaded.close();
            throw new IOException(
                    which
                            + loaded.dir()
                            + " has weights "
                            + sha
                            + " but the event says "
                            + e.getSha256());
        }
        return loaded;
    }
}
