package dev.distill.recipes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.distill.core.checkpoint.Checkpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The output directory of a recipe run. While training it holds {@code progress/step-NNNNNNNN/}
 * checkpoints with optimiser state (only the newest is kept); at the end the final checkpoint's
 * files (weights only), tokenizer.json, RECIPE.json and TRAINING.json/.md are moved to its top
 * level, so the directory itself is the checkpoint the demo loads. TRAINING.json is written last: a
 * directory with {@code "complete": true} in it is a finished run, and one with progress
 * checkpoints is resumable.
 */
public final class RunDirectory {
    public static final String PROGRESS = "progress";
    public static final String SUMMARY = "TRAINING.json";
    private static final Pattern STEP = Pattern.compile("step-(\\d{8})");

    private final Path out;

    private RunDirectory(Path out) {
        this.out = out;
    }

    /**
     * Opens {@code out} for a run: missing, empty, or holding an unfinished run of ours. Creates
     * nothing, so a recipe that fails its checks leaves no directory behind.
     *
     * @throws IOException if it holds a finished run or something that is not a run
     */
    public static RunDirectory open(Path out) throws IOException {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IOException("--out " + out + " is a file, not a directory");
        }
        if (Files.isDirectory(out)) {
            boolean ours =
                    Files.isDirectory(out.resolve(PROGRESS))
                            || Files.isRegularFile(out.resolve(SUMMARY));
            boolean empty;
            try (Stream<Path> s = Files.list(out)) {
                empty = s.findAny().isEmpty();
            }
            if (!empty && !ours) {
                throw new IOException(
                        "--out "
                                + out
                                + " is not empty and holds no run (no "
                                + PROGRESS
                                + "/ or "
                                + SUMMARY
                                + "); choose a new directory");
            }
            if (isComplete(out) && !Files.isDirectory(out.resolve(PROGRESS))) {
                throw new IOException(
                        "--out "
                                + out
                                + " already holds a finished run ("
                                + SUMMARY
                                + " says complete); delete it or choose another directory");
            }
        }
        return new RunDirectory(out);
    }

    public Path path() {
        return out;
    }

    public Path progressDir(long step) {
        return out.resolve(PROGRESS).resolve(String.format("step-%08d", step));
    }

    /** The newest progress checkpoint, if any. */
    public Optional<Path> latestProgress() throws IOException {
        return progressSteps().stream().max(Comparator.naturalOrder()).map(this::progressDir);
    }

    /** Deletes every progress checkpoint older than {@code step}: one resumable state is enough. */
    public void pruneProgressBefore(long step) throws IOException {
        for (long s : progressSteps()) {
            if (s < step) {
                deleteRecursively(progressDir(s));
            }
        }
    }

    /**
     * Moves the files of {@code staged} (a finished checkpoint directory with the run's reports) to
     * the top level, TRAINING.json last, then removes the progress checkpoints if the run is
     * complete.
     */
    public void publish(Path staged, boolean complete) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(staged)) {
            files =
                    s.sorted(
                                    Comparator.comparing(
                                                    (Path p) ->
                                                            p.getFileName()
                                                                    .toString()
                                                                    .equals(SUMMARY))
                                            .thenComparing(Path::toString))
                            .toList();
        }
        for (Path f : files) {
            Files.move(f, out.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        deleteRecursively(staged);
        if (complete) {
            deleteRecursively(out.resolve(PROGRESS));
        }
    }

    /**
     * Where to assemble the final checkpoint: a path under progress/ that does not exist yet
     * (Checkpoints.save creates it and its parents).
     */
    public Path staging() throws IOException {
        Path p = out.resolve(PROGRESS).resolve("final");
        deleteRecursively(p);
        return p;
    }

    static boolean isComplete(Path out) throws IOException {
        Path f = out.resolve(SUMMARY);
        if (!Files.isRegularFile(f)) {
            return false;
        }
        JsonNode n = new ObjectMapper().readTree(f.toFile());
        return n != null && n.path("complete").asBoolean(false);
    }

    private List<Long> progressSteps() throws IOException {
        if (!Files.isDirectory(out.resolve(PROGRESS))) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(out.resolve(PROGRESS))) {
            return s.filter(p -> Files.isRegularFile(p.resolve(Checkpoints.MANIFEST)))
                    .map(p -> STEP.matcher(p.getFileName().toString()))
                    .filter(Matcher::matches)
                    .map(m -> Long.parseLong(m.group(1)))
                    .toList();
        }
    }

    static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path x : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }
}
