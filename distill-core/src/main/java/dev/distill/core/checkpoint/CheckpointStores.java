package dev.distill.core.checkpoint;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** The checkpoint stores by URI scheme; "file" (a local or shared directory) is always present. */
public final class CheckpointStores {
    private static final Map<String, CheckpointStore> STORES = new ConcurrentHashMap<>();

    static {
        register(new LocalStore());
    }

    private CheckpointStores() {}

    public static void register(CheckpointStore store) {
        STORES.put(store.scheme(), store);
    }

    public static CheckpointStore forUri(URI uri) {
        String scheme = uri.getScheme() == null ? "file" : uri.getScheme();
        CheckpointStore store = STORES.get(scheme);
        if (store == null) {
            throw new IllegalArgumentException(
                    "no checkpoint store for '"
                            + scheme
                            + "' URIs like "
                            + uri
                            + "; available: "
                            + new TreeMap<>(STORES).keySet());
        }
        return store;
    }

    /** Resolves a checkpoint URI to a local directory through its store. */
    public static Path open(URI uri) throws IOException {
        return forUri(uri).open(uri);
    }

    public static URI publishLocal(Path dir) throws IOException {
        return STORES.get("file").publish(dir);
    }

    /** A directory on this machine or on a volume every pod mounts at the same path. */
    static final class LocalStore implements CheckpointStore {
        @Override
        public String scheme() {
            return "file";
        }

        @Override
        public URI publish(Path localDir) {
            return localDir.toAbsolutePath().normalize().toUri();
        }

        @Override
        public Path open(URI uri) throws IOException {
            Path dir = Path.of(uri);
            if (!Files.isDirectory(dir)) {
                throw new IOException(
                        "checkpoint "
                                + uri
                                + " is not a directory on this machine (is the checkpoint"
                                + " volume mounted at the same path as in the trainer?)");
            }
            return dir;
        }
    }
}
