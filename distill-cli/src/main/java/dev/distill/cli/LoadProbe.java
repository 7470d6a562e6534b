package dev.distill.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distill.core.checkpoint.CheckpointManifest;
import dev.distill.core.checkpoint.Checkpoints;
import dev.distill.core.model.CausalLm;
import dev.distill.core.model.ModelConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Checkpoint load time and memory, each side in its own JVM: one child writes a random model of the
 * shape with {@link Checkpoints#save} (not timed), a fresh one times {@link Checkpoints#load} and
 * reads its own peak RSS, which then belongs to the load alone. The files are deleted afterwards.
 */
final class LoadProbe {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LoadProbe() {}

    /** What the loading child measured, as its JSON result line. */
    static JsonNode measure(BenchShape shape, boolean tiedHead)
            throws IOException, InterruptedException {
        Path tmp = Files.createTempDirectory("distill-bench-load");
        // The --large file is 2.5 GB: remove it even when the run is interrupted (Ctrl-C skips
        // finally).
        Thread cleanup = new Thread(() -> deleteQuietly(tmp));
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            Path dir = tmp.resolve("model");
            ChildJvm.run(
                    LoadProbe.class,
                    "save",
                    shape.id(),
                    tiedHead ? "tied" : "untied",
                    dir.toString());
            ObjectNode result = (ObjectNode) ChildJvm.run(LoadProbe.class, "load", dir.toString());
            result.put("file_bytes", Files.size(dir.resolve(Checkpoints.WEIGHTS)));
            return result;
        } finally {
            deleteQuietly(tmp);
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
    }

    /**
     * The child: {@code save <shape> tied|untied <dir>} or {@code load <dir>}; prints one JSON
     * line.
     */
    public static void main(String[] args) {
        ChildJvm.configureLogging();
        try {
            ObjectNode result =
                    switch (args.length > 0 ? args[0] : "") {
                        case "save" ->
                                save(
                                        BenchShape.of(args[1]),
                                        args[2].equals("tied"),
                                        Path.of(args[3]));
                        case "load" -> load(Path.of(args[1]));
                        default ->
                                throw new IllegalArgumentException(
                                        "usage: LoadProbe save <shape> tied|untied <dir> | load"
                                                + " <dir>");
                    };
            System.out.println(JSON.writeValueAsString(result));
            System.exit(0);
        } catch (Exception e) {
            System.err.println("LoadProbe " + String.join(" ", args) + ": " + e);
            System.exit(1);
        }
    }

    private static ObjectNode save(BenchShape shape, boolean tiedHead, Path dir)
            throws IOException {
        ModelConfig config = shape.config(tiedHead);
        try (NDManager root = NDManager.newBaseManager();
                CausalLm model = CausalLm.create(config, root, 0)) {
            Checkpoints.save(model, null, CheckpointManifest.of(0, null, 0, 0L, null, null), dir);
            return JSON.createObjectNode().put("params", model.parameters().count());
        }
    }

    private static ObjectNode load(Path dir) throws IOException {
        startEngine();
        double before = ProcStatus.rssAfterGcMib();
        ObjectNode r = JSON.createObjectNode();
        ModelConfig config;
        try (NDManager root = NDManager.newBaseManager()) {
            long start = System.nanoTime();
            try (Checkpoints.Loaded loaded = Checkpoints.load(dir, root)) {
                r.put("load_s", (System.nanoTime() - start) / 1e9);
                r.put("peak_mib", ProcStatus.peakMib());
                r.put("rss_after_load_mib", ProcStatus.rssMib());
                r.put("rss_after_gc_mib", ProcStatus.rssAfterGcMib());
                r.put(
                        "rss_anon_mib",
                        ProcStatus.rssAnonMib()); // after that collection: heap + libtorch
                r.put("rss_file_mib", ProcStatus.rssFileMib()); // mapped files still resident
                config = loaded.model().config();
                r.put("params", loaded.model().parameters().count());
            }
        }
        // One part of the load timed again on its own, once the peak has been read: the manifest's
        // SHA-256 check of the weights file.
        r.put("sha256_s", seconds(() -> Checkpoints.sha256(dir.resolve(Checkpoints.WEIGHTS))));
        r.put("rss_before_load_mib", before);
        r.put("tied", config.tieWordEmbeddings());
        r.put("max_heap_mib", Runtime.getRuntime().maxMemory() / (1024.0 * 1024));
        return r;
    }

    /**
     * Loads libtorch first, so that the baseline RSS already includes the engine and not just the
     * JVM.
     */
    private static void startEngine() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.ones(new Shape(1)).close();
        }
    }

    private interface Work {
        void run() throws IOException;
    }

    private static double seconds(Work w) throws IOException {
        long start = System.nanoTime();
        w.run();
        return (System.nanoTime() - start) / 1e9;
    }

    private static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("distill bench: could not delete " + dir + ": " + e.getMessage());
        }
    }
}
