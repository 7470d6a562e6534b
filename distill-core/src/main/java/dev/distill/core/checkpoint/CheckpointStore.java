package dev.distill.core.checkpoint;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;

/**
 * Where published checkpoints live, addressed by the URI in a CheckpointEvent. The local store (a
 * directory, or a volume shared by the pods) is built in; other schemes plug in through {@link
 * CheckpointStores#register} (an object store would download into a local cache in {@link #open}).
 */
public interface CheckpointStore {

    /** The URI scheme this store serves, e.g. "file". */
    String scheme();

    /** Makes a checkpoint directory written locally available under a URI, and returns that URI. */
    URI publish(Path localDir) throws IOException;

    /**
     * A local directory holding the checkpoint at {@code uri}, ready for {@link Checkpoints#load}.
     */
    Path open(URI uri) throws IOException;
}
