package dev.distill.platform.checkpoint;

import ai.djl.ndarray.NDManager;
import dev.distill.core.checkpoint.CheckpointRefusedException;
import dev.distill.core.checkpoint.CheckpointStore;
import dev.distill.core.checkpoint.Checkpoints;
import dev.distill.schemas.avro.CheckpointEvent;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens the checkpoint a {@link CheckpointEvent} announces, the one way every reader of
 * distill.checkpoints does: its URI must resolve inside the run's checkpoint store, to the
 * directory the trainer writes that version of that run to, and its weights must hash to the
 * event's SHA-256 before anything in the directory is parsed or used.
 */
public final class PublishedCheckpoints {
    private PublishedCheckpoints() {}

    /**
     * @return the loaded checkpoint; the caller owns (and closes) it
     * @throws IOException naming the version and the reason when it cannot be found, read or
     *     verified (nothing stays allocated then); a {@link CheckpointRefusedException} when it is
     *     outside the store or not the announced weights
     */
    public static Checkpoints.Loaded loadVerified(
            CheckpointEvent e, CheckpointStore store, NDManager root) throws IOException {
        String which = "checkpoint v" + e.getVersion() + " of run " + e.getRunId() + ": ";
        try {
            URI uri;
            try {
                uri = new URI(e.getUri());
            } catch (URISyntaxException ex) {
                throw new CheckpointRefusedException("'" + e.getUri() + "' is not a URI");
            }
            Path dir = store.open(uri);
            Path expected = store.versionDir(e.getRunId(), e.getVersion());
            if (!Files.isDirectory(expected) || !dir.equals(expected.toRealPath())) {
                throw new CheckpointRefusedException(
                        e.getUri()
                                + " is not where the trainer writes this checkpoint ("
                                + expected
                                + ")");
            }
            return Checkpoints.loadVerified(dir, e.getSha256(), root);
        } catch (CheckpointRefusedException ex) {
            throw new CheckpointRefusedException(which + ex.getMessage());
        } catch (IOException | RuntimeException ex) {
            throw new IOException(which + ex.getMessage(), ex);
        }
    }
}
