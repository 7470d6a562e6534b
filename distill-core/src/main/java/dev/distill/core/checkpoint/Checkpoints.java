package dev.distill.core.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.distill.core.model.Gpt;
import dev.distill.core.model.GptConfig;

import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The checkpoint directory: {@code model.safetensors} (Hugging Face GPT-2 names and layout, so
 * transformers can load our checkpoints and we can load theirs), {@code config.json}, and for our own
 * checkpoints {@code checkpoint.json} (manifest with the weights hash) and optionally
 * {@code optimizer.safetensors}. Loading checks names, shapes, the format version and the hash, and
 * refuses anything that does not match.
 */
public final class Checkpoints {
    public static final String WEIGHTS = "model.safetensors";
    public static final String CONFIG = "config.json";
    public static final String MANIFEST = "checkpoint.json";
    public static final String OPTIMIZER = "optimizer.safetensors";

    /** Hugging Face GPT-2 uses Conv1D, whose weight is (in, out); ours is Linear's (out, in). */
    private static final Pattern CONV1D = Pattern.compile("h\\.\\d+\\.(attn\\.c_attn|attn\\.c_proj|mlp\\.c_fc|mlp\\.c_proj)\\.weight");
    /** Non-parameter buffers older Hugging Face GPT-2 files carry (the causal mask). */
    private static final Pattern HF_BUFFERS = Pattern.compile("h\\.\\d+\\.attn\\.(bias|masked_bias)");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Checkpoints() {}

    /** A model loaded from a directory, with its manifest when the directory is one of ours. */
    public record Loaded(Gpt model, Optional<CheckpointManifest> manifest, Path dir) implements AutoCloseable {
        @Override
        public void close() {
            model.close();
        }
    }

    /**
     * Writes a checkpoint directory atomically (a temporary sibling renamed into place), so a reader
     * never sees half a checkpoint. Returns the manifest as written, hashes included.
     */
    public static CheckpointManifest save(Gpt model, Map<String, Tensor> optimizerState, CheckpointManifest manifest,
                                          Path dir) throws IOException {
        Path parent = dir.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        if (Files.exists(dir)) {
            throw new IOException("checkpoint directory " + dir + " already exists; checkpoints are immutable");
        }
        Path tmp = Files.createTempDirectory(parent, "." + dir.getFileName() + ".tmp");
        try {
            SafeTensors.write(tmp.resolve(WEIGHTS), toHuggingFace(model));
            model.config().write(tmp.resolve(CONFIG));
            String optimizerSha = null;
            if (optimizerState != null && !optimizerState.isEmpty()) {
                SafeTensors.write(tmp.resolve(OPTIMIZER), optimizerState);
                optimizerSha = sha256(tmp.resolve(OPTIMIZER));
            }
            CheckpointManifest written = manifest.withHashes(sha256(tmp.resolve(WEIGHTS)), optimizerSha,
                    Instant.now().toString());
            JSON.writeValue(tmp.resolve(MANIFEST).toFile(), written);
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, dir);
            }
            return written;
        } finally {
            deleteRecursively(tmp);
        }
    }

    /** Loads ours or a Hugging Face GPT-2 directory. Fails with a message that names the mismatch. */
    public static Loaded load(Path dir, NDManager manager) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("checkpoint " + dir + " is not a directory");
        }
        Path weights = dir.resolve(WEIGHTS);
        Path configFile = dir.resolve(CONFIG);
        for (Path required : List.of(weights, configFile)) {
            if (!Files.isRegularFile(required)) {
                throw new IOException("checkpoint " + dir + " has no " + required.getFileName());
            }
        }
        Optional<CheckpointManifest> manifest = readManifest(dir);
        if (manifest.isPresent()) {
            String actual = sha256(weights);
            if (!actual.equals(manifest.get().weightsSha256())) {
                throw new IOException("checkpoint " + dir + ": SHA-256 of " + WEIGHTS + " is " + actual
                        + " but checkpoint.json records " + manifest.get().weightsSha256()
                        + " (corrupted or modified weights)");
            }
        }
        GptConfig config = GptConfig.read(configFile);
        Map<String, Tensor> tensors = fromHuggingFace(SafeTensors.read(weights), config, weights);
        Gpt model = Gpt.create(config, manager, 0);
        try {
            copyInto(model, tensors, weights);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
        return new Loaded(model, manifest, dir);
    }

    public static Optional<CheckpointManifest> readManifest(Path dir) throws IOException {
        Path file = dir.resolve(MANIFEST);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        CheckpointManifest m;
        try {
            m = JSON.readValue(file.toFile(), CheckpointManifest.class);
        } catch (IOException e) {
            throw new IOException("checkpoint " + dir + ": cannot parse " + MANIFEST + ": " + e.getMessage(), e);
        }
        if (m.formatVersion() != CheckpointManifest.FORMAT_VERSION) {
            throw new IOException("checkpoint " + dir + ": " + MANIFEST + " has format_version " + m.formatVersion()
                    + " but this build reads only format_version " + CheckpointManifest.FORMAT_VERSION);
        }
        if (m.weightsSha256() == null || m.weightsSha256().length() != 64) {
            throw new IOException("checkpoint " + dir + ": " + MANIFEST + " lacks a valid weights_sha256");
        }
        return Optional.of(m);
    }

    /** Reads optimizer.safetensors after checking it against the manifest, or empty if there is none. */
    public static Map<String, Tensor> readOptimizerState(Path dir, CheckpointManifest manifest) throws IOException {
        Path file = dir.resolve(OPTIMIZER);
        if (manifest.optimizerSha256() == null) {
            return Map.of();
        }
        String actual = sha256(file);
        if (!actual.equals(manifest.optimizerSha256())) {
            throw new IOException("checkpoint " + dir + ": SHA-256 of " + OPTIMIZER + " is " + actual
                    + " but checkpoint.json records " + manifest.optimizerSha256());
        }
        return SafeTensors.read(file);
    }

    /** The model's weights under Hugging Face names and layout. */
    public static Map<String, Tensor> toHuggingFace(Gpt model) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : model.parameters().asMap().entrySet()) {
            Tensor t = new Tensor(e.getValue().getShape().getShape(), e.getValue().toFloatArray());
            out.put(e.getKey(), CONV1D.matcher(e.getKey()).matches() ? t.transpose2d() : t);
        }
        return out;
    }

    /** Strips the {@code transformer.} prefix and the mask buffers, and transposes Conv1D weights. */
    static Map<String, Tensor> fromHuggingFace(Map<String, Tensor> file, GptConfig config, Path where) throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : file.entrySet()) {
            String name = e.getKey().startsWith("transformer.") ? e.getKey().substring("transformer.".length()) : e.getKey();
            if (HF_BUFFERS.matcher(name).matches()) {
                continue;
            }
            if (name.equals("lm_head.weight") && config.tieWordEmbeddings()) {
                continue; // transformers may save the tied head; the model reads wte instead
            }
            Tensor t = e.getValue();
            if (CONV1D.matcher(name).matches()) {
                if (t.shape().length != 2) {
                    throw new IOException(where + ": tensor " + e.getKey() + " should be 2-D but has shape "
                            + Arrays.toString(t.shape()));
                }
                t = t.transpose2d();
            }
            if (out.put(name, t) != null) {
                throw new IOException(where + ": tensor " + name + " appears twice (with and without 'transformer.')");
            }
        }
        return out;
    }

    private static void copyInto(Gpt model, Map<String, Tensor> tensors, Path where) throws IOException {
        Map<String, NDArray> params = model.parameters().asMap();
        TreeSet<String> missing = new TreeSet<>(params.keySet());
        missing.removeAll(tensors.keySet());
        TreeSet<String> unexpected = new TreeSet<>(tensors.keySet());
        unexpected.removeAll(params.keySet());
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            throw new IOException(where + " does not match config.json: missing " + missing + ", unexpected " + unexpected);
        }
        List<String> wrongShapes = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            long[] expected = e.getValue().getShape().getShape();
            long[] actual = tensors.get(e.getKey()).shape();
            if (!Arrays.equals(expected, actual)) {
                wrongShapes.add(e.getKey() + " is " + Arrays.toString(actual) + ", config.json implies "
                        + Arrays.toString(expected));
            }
        }
        if (!wrongShapes.isEmpty()) {
            throw new IOException(where + " has tensors of the wrong shape (our layout, Conv1D already transposed): "
                    + wrongShapes);
        }
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            float[] data = tensors.get(e.getKey()).data();
            for (float v : data) {
                if (!Float.isFinite(v)) {
                    throw new IOException(where + ": tensor " + e.getKey() + " contains NaN or infinite values");
                }
            }
            e.getValue().set(FloatBuffer.wrap(data));
        }
    }

    public static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            byte[] buf = new byte[1 << 16];
            while (in.read(buf) >= 0) {
                // reading feeds the digest
            }
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    private static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path x : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }
}
