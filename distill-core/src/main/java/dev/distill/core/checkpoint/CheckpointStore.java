package dev.distill.core.checkpoint;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where a run's published checkpoints live: one directory (on Kubernetes a volume every pod mounts
 * at the same path), addressed by the {@code file:} URIs in checkpoint events.
 *
 * <p>Whoever can write a checkpoint event chooses the URI, so {@link #open} trusts none of it: the
 * URI must be {@code file:}, without {@code ..}, name a directory inside the store, and neither the
 * directory nor any file in it may lead outside the store through a symbolic link. Anything else is
 * refused before a byte of it is read; before this, an event pointing through {@code ../../} at the
 * teacher's directory was scored and sampled with as a student.
 */
public final class CheckpointStore {
    private final Path root;

    private CheckpointStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The store rooted at {@code root} (which need not exist yet: the trainer creates it). */
    public static CheckpointStore at(Path root) {
        return new CheckpointStore(root);
    }

    /**
     * Whether {@code dir} lies inside the store, compared as real paths when both exist (so a
     * symbolic link or another spelling of the same directory is seen through).
     */
    public boolean contains(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        try {
            if (Files.exists(abs) && Files.exists(root)) {
                return abs.toRealPath().startsWith(root.toRealPath());
            }
        } catch (IOException e) {
            // fall back to the paths as written
        }
        return abs.startsWith(root);
    }

    public Path root() {
        return root;
    }

    /** The directory name of checkpoint {@code version} inside its run's directory. */
    public static String versionDirName(long version) {
        return "v" + version;
    }

    /**
     * Where the trainer writes checkpoint {@code version} of run {@code runId}, the only place a
     * reader accepts it from (so an event cannot pass off another run's or another version's
     * weights as this one).
     */
    public Path versionDir(String runId, long version) {
        if (!runId.matches("[A-Za-z0-9][A-Za-z0-9._-]*") || runId.contains("..")) {
            throw new IllegalArgumentException(
                    "a run id names a directory: letters, digits, '.', '_' and '-', not " + runId);
        }
        return root.resolve(runId).resolve(versionDirName(version));
    }

    /** The URI a checkpoint written to {@code dir}, inside the store, is published under. */
    public URI publish(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        if (!abs.startsWith(root) || abs.equals(root)) {
            throw new IOException(
                    "checkpoint " + abs + " is not inside the checkpoint store " + root);
        }
        return abs.toUri();
    }

    /**
     * The directory of the checkpoint at {@code uri}, once it is known to lie inside the store.
     *
     * @throws CheckpointRefusedException naming the URI and the rule it breaks
     * @throws IOException when the store or the directory cannot be read
     */
    public Path open(URI uri) throws IOException {
        String refused = "checkpoint " + uri + " is refused: ";
        if (!"file".equals(uri.getScheme())) {
            throw new CheckpointRefusedException(
                    refused
                            + "only file: URIs inside the checkpoint store "
                            + root
                            + " are opened, not "
                            + (uri.getScheme() == null ? "a relative URI" : uri.getScheme() + ":"));
        }
        if (uri.getAuthority() != null || uri.getRawPath() == null) {
            throw new CheckpointRefusedException(refused + "a file: URI names no host");
        }
        // Both spellings: '..' and its percent-encodings ('%2e%2e', '.%2e', ...) decode to '..'.
        for (String path : new String[] {uri.getRawPath(), uri.getPath()}) {
            for (String segment : path.split("/")) {
                if (segment.equals("..")
                        || java.net.URLDecoder.decode(
                                        segment.replace("+", "%2B"),
                                        java.nio.charset.StandardCharsets.UTF_8)
                                .equals("..")) {
                    throw new CheckpointRefusedException(refused + "it contains '..'");
                }
            }
        }
        Path dir = Path.of(uri).normalize();
        if (!dir.startsWith(root) || dir.equals(root)) {
            throw new CheckpointRefusedException(
                    refused + "it is outside the checkpoint store " + root);
        }
        if (!Files.isDirectory(dir)) {
            throw new IOException(
                    "checkpoint "
                            + uri
                            + " is not a directory on this machine (is the checkpoint volume"
                            + " mounted at the same path as in the trainer?)");
        }
        Path realRoot = root.toRealPath();
        Path realDir = dir.toRealPath();
        if (!realDir.startsWith(realRoot)) {
            throw new CheckpointRefusedException(
                    refused + "a symbolic link leads outside the checkpoint store, to " + realDir);
        }
        List<Path> escaping = new ArrayList<>();
        try (Stream<Path> files = Files.list(realDir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.isSymbolicLink(f) && !f.toRealPath().startsWith(realRoot)) {
                    escaping.add(f.getFileName());
                } else if (!Files.isSymbolicLink(f)
                        && !Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)
                        && !Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS)) {
                    escaping.add(f.getFileName());
                }
            }
        }
        if (!escaping.isEmpty()) {
            throw new CheckpointRefusedException(
                    refused
                            + escaping
                            + " in it lead outside the checkpoint store or are not regular files");
        }
        return realDir;
    }
}
