package dev.distill.core.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.distill.core.model.CausalLm;
import dev.distill.core.model.Family;
import dev.distill.core.model.HfConfigs;
import dev.distill.core.model.ModelConfig;
import dev.distill.core.tokenizer.HfTokenizer;
import dev.distill.core.tokenizer.Tokenizers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
 * The checkpoint directory, in Hugging Face's layout for the model's family (so transformers can
 * load our checkpoints and we can load theirs): {@code model.safetensors} or shards with {@code
 * model.safetensors.index.json}, {@code config.json} (+ {@code generation_config.json}), an
 * optional {@code tokenizer.json}, and for our own checkpoints {@code checkpoint.json} (manifest
 * with the weights hash) and optionally {@code optimizer.safetensors}. Loading checks names,
 * shapes, dtypes, the format version and the hash, and refuses anything that does not match.
 */
public final class Checkpoints {
    public static final String WEIGHTS = "model.safetensors";
    public static final String CONFIG = HfConfigs.CONFIG;
    public static final String MANIFEST = "checkpoint.json";
    public static final String OPTIMIZER = "optimizer.safetensors";

    /** Hugging Face GPT-2 uses Conv1D, whose weight is (in, out); ours is Linear's (out, in). */
    private static final Pattern CONV1D =
            Pattern.compile(
                    "h\\.\\d+\\.(attn\\.c_attn|attn\\.c_proj|mlp\\.c_fc|mlp\\.c_proj)\\.weight");

    /** Non-parameter buffers older files carry: GPT-2's causal mask, Llama's rotary frequencies. */
    private static final Pattern HF_BUFFERS =
            Pattern.compile(
                    "h\\.\\d+\\.attn\\.(bias|masked_bias)|model\\.layers\\.\\d+\\.self_attn\\.rotary_emb\\.inv_freq");

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Checkpoints() {}

    /** A model loaded from a directory, with its manifest when the directory is one of ours. */
    public record Loaded(CausalLm model, Optional<CheckpointManifest> manifest, Path dir)
            implements AutoCloseable {
        @Override
        public void close() {
            model.close();
        }
    }

    /**
     * Writes a checkpoint directory atomically (a temporary sibling renamed into place), so a
     * reader never sees half a checkpoint. Returns the manifest as written, hashes included.
     */
    public static CheckpointManifest save(
            CausalLm model,
            Map<String, Tensor> optimizerState,
            CheckpointManifest manifest,
            Path dir)
            throws IOException {
        Path parent = dir.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        if (Files.exists(dir)) {
            throw new IOException(
                    "checkpoint directory " + dir + " already exists; checkpoints are immutable");
        }
        Path tmp = Files.createTempDirectory(parent, "." + dir.getFileName() + ".tmp");
        try {
            SafeTensors.write(tmp.resolve(WEIGHTS), toHuggingFace(model));
            HfConfigs.write(model.config(), tmp.resolve(CONFIG));
            String optimizerSha = null;
            if (optimizerState != null && !optimizerState.isEmpty()) {
                SafeTensors.write(tmp.resolve(OPTIMIZER), optimizerState);
                optimizerSha = sha256(tmp.resolve(OPTIMIZER));
            }
            CheckpointManifest written =
                    manifest.withHashes(
                            sha256(tmp.resolve(WEIGHTS)), optimizerSha, Instant.now().toString());
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

    /**
     * Loads ours or a Hugging Face directory of any supported family. Fails with a message that
     * names the mismatch. A {@code tokenizer.json} beside the weights fixes the vocabulary the
     * logits cover.
     */
    public static Loaded load(Path dir, NDManager manager) throws IOException {
        return load(dir, null, manager);
    }

    /**
     * Loads a checkpoint someone else announced, only if its {@code model.safetensors} hashes to
     * {@code expectedWeightsSha256}: checked first, before its config or header is parsed, so that
     * nothing in an unverified directory is used.
     *
     * @throws CheckpointRefusedException when the weights are not the announced ones
     */
    public static Loaded loadVerified(Path dir, String expectedWeightsSha256, NDManager manager)
            throws IOException {
        return load(dir, java.util.Objects.requireNonNull(expectedWeightsSha256), manager);
    }

    private static Loaded load(Path dir, String expectedSha, NDManager manager) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("checkpoint " + dir + " is not a directory");
        }
        String actual = null;
        if (expectedSha != null) {
            Path weights = dir.resolve(WEIGHTS);
            if (!Files.isRegularFile(weights)) {
                throw new CheckpointRefusedException(
                        "checkpoint " + dir + " has no " + WEIGHTS + " to verify");
            }
            actual = sha256(weights);
            if (!actual.equals(expectedSha)) {
                throw new CheckpointRefusedException(
                        "checkpoint "
                                + dir
                                + " has weights "
                                + actual
                                + " but was announced with "
                                + expectedSha);
            }
        }
        if (!Files.isRegularFile(dir.resolve(CONFIG))) {
            throw new IOException("checkpoint " + dir + " has no " + CONFIG);
        }
        Optional<CheckpointManifest> manifest = readManifest(dir);
        if (manifest.isPresent()) {
            Path weights = dir.resolve(WEIGHTS);
            if (!Files.isRegularFile(weights)) {
                throw new IOException("checkpoint " + dir + " has no " + WEIGHTS);
            }
            if (actual == null) {
                actual = sha256(weights);
            }
            if (!actual.equals(manifest.get().weightsSha256())) {
                throw new IOException(
                        "checkpoint "
                                + dir
                                + ": SHA-256 of "
                                + WEIGHTS
                                + " is "
                                + actual
                                + " but checkpoint.json records "
                                + manifest.get().weightsSha256()
                                + " (corrupted or modified weights)");
            }
        }
        ModelConfig config = readConfig(dir);
        CausalLm model = CausalLm.forLoading(config, manager);
        try (WeightFiles files = WeightFiles.open(dir)) {
            copyInto(model, files, dir);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
        return new Loaded(model, manifest, dir);
    }

    /**
     * The model config of a directory as {@link #load} builds the model: its logits restricted to
     * the tokenizer's ids when the embedding is padded beyond them (Qwen).
     */
    public static ModelConfig readConfig(Path dir) throws IOException {
        ModelConfig config = HfConfigs.read(dir);
        Path tokenizer = dir.resolve(Tokenizers.FILE);
        if (!Files.isRegularFile(tokenizer)) {
            return config;
        }
        int tokens = HfTokenizer.vocabularySize(tokenizer);
        if (tokens > config.embeddingRows()) {
            throw new IOException(
                    "checkpoint "
                            + dir
                            + ": "
                            + Tokenizers.FILE
                            + " produces ids up to "
                            + (tokens - 1)
                            + " but the model's embedding has only "
                            + config.embeddingRows()
                            + " rows");
        }
        try {
            return tokens == config.embeddingRows()
                    ? config
                    : config.withTokenizerVocabulary(tokens);
        } catch (IllegalArgumentException e) {
            throw new IOException("checkpoint " + dir + ": " + e.getMessage(), e);
        }
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
            throw new IOException(
                    "checkpoint " + dir + ": cannot parse " + MANIFEST + ": " + e.getMessage(), e);
        }
        if (m.formatVersion() != CheckpointManifest.FORMAT_VERSION) {
            throw new IOException(
                    "checkpoint "
                            + dir
                            + ": "
                            + MANIFEST
                            + " has format_version "
                            + m.formatVersion()
                            + " but this build reads only format_version "
                            + CheckpointManifest.FORMAT_VERSION);
        }
        if (m.weightsSha256() == null || m.weightsSha256().length() != 64) {
            throw new IOException(
                    "checkpoint " + dir + ": " + MANIFEST + " lacks a valid weights_sha256");
        }
        return Optional.of(m);
    }

    /**
     * Reads optimizer.safetensors after checking it against the manifest, or empty if there is
     * none.
     */
    public static Map<String, Tensor> readOptimizerState(Path dir, CheckpointManifest manifest)
            throws IOException {
        Path file = dir.resolve(OPTIMIZER);
        if (manifest.optimizerSha256() == null) {
            return Map.of();
        }
        String actual = sha256(file);
        if (!actual.equals(manifest.optimizerSha256())) {
            throw new IOException(
                    "checkpoint "
                            + dir
                            + ": SHA-256 of "
                            + OPTIMIZER
                            + " is "
                            + actual
                            + " but checkpoint.json records "
                            + manifest.optimizerSha256());
        }
        return SafeTensors.read(file);
    }

    /** The model's weights under Hugging Face names and layout. */
    public static Map<String, Tensor> toHuggingFace(CausalLm model) {
        boolean gpt2 = model.config().family() == Family.GPT2;
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : model.parameters().asMap().entrySet()) {
            Tensor t = new Tensor(e.getValue().getShape().getShape(), e.getValue().toFloatArray());
            out.put(e.getKey(), gpt2 && CONV1D.matcher(e.getKey()).matches() ? t.transpose2d() : t);
        }
        return out;
    }

    /**
     * Our name for a tensor of a Hugging Face file, or null for one that is not a parameter
     * (buffers, a saved copy of a tied head): GPT-2's {@code transformer.} prefix goes, old OPT
     * files gain {@code model.}.
     */
    static String parameterName(String fileName, ModelConfig config) {
        String name = fileName;
        if (config.family() == Family.GPT2 && name.startsWith("transformer.")) {
            name = name.substring("transformer.".length());
        }
        if (config.family() == Family.OPT && name.startsWith("decoder.")) {
            name = "model." + name;
        }
        if (HF_BUFFERS.matcher(name).matches()) {
            return null;
        }
        if (name.equals("lm_head.weight") && config.tieWordEmbeddings()) {
            return null; // transformers may save the tied head; the model reads the embedding
            // instead
        }
        return name;
    }

    private static void copyInto(CausalLm model, WeightFiles files, Path where) throws IOException {
        ModelConfig config = model.config();
        boolean gpt2 = config.family() == Family.GPT2;
        Map<String, String> fileNameOf = new LinkedHashMap<>();
        for (String fileName : files.entries().keySet()) {
            String name = parameterName(fileName, config);
            if (name != null && fileNameOf.put(name, fileName) != null) {
                throw new IOException(
                        where
                                + ": tensor "
                                + name
                                + " appears twice (with and without its prefix)");
            }
        }
        Map<String, NDArray> params = model.parameters().asMap();
        TreeSet<String> missing = new TreeSet<>(params.keySet());
        missing.removeAll(fileNameOf.keySet());
        TreeSet<String> unexpected = new TreeSet<>(fileNameOf.keySet());
        unexpected.removeAll(params.keySet());
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            throw new IOException(
                    where
                            + " does not match its config.json ("
                            + config.modelType()
                            + "): missing "
                            + missing
                            + ", unexpected "
                            + unexpected);
        }
        List<String> wrongShapes = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            long[] expected = e.getValue().getShape().getShape();
            long[] stored = files.entries().get(fileNameOf.get(e.getKey())).shape();
            boolean conv1d = gpt2 && CONV1D.matcher(e.getKey()).matches();
            long[] actual =
                    conv1d && stored.length == 2 ? new long[] {stored[1], stored[0]} : stored;
            if (!Arrays.equals(expected, actual)) {
                wrongShapes.add(
                        e.getKey()
                                + " is "
                                + Arrays.toString(stored)
                                + (conv1d ? " (Conv1D, in x out)" : "")
                                + ", config.json implies "
                                + Arrays.toString(
                                        conv1d ? new long[] {expected[1], expected[0]} : expected));
            }
        }
        if (!wrongShapes.isEmpty()) {
            throw new IOException(where + " has tensors of the wrong shape: " + wrongShapes);
        }
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            String fileName = fileNameOf.get(e.getKey());
            if (gpt2 && CONV1D.matcher(e.getKey()).matches()) {
                float[] data =
                        new Tensor(files.entries().get(fileName).shape(), files.read(fileName))
                                .transpose2d()
                                .data();
                requireFinite(FloatBuffer.wrap(data), where, fileName);
                e.getValue().set(FloatBuffer.wrap(data));
                continue;
            }
            // Straight from the memory map into the buffer the engine adopts: one tensor at a time
            // and never on the Java heap, so a model loads in about its own size.
            ByteBuffer direct =
                    ByteBuffer.allocateDirect(Math.toIntExact(e.getValue().size() * Float.BYTES))
                            .order(ByteOrder.nativeOrder());
            FloatBuffer values = direct.asFloatBuffer();
            files.readInto(fileName, values);
            requireFinite(values, where, fileName);
            e.getValue().set(direct);
        }
    }

    private static void requireFinite(FloatBuffer values, Path where, String tensor)
            throws IOException {
        for (int i = values.position(); i < values.limit(); i++) {
            if (!Float.isFinite(values.get(i))) {
                throw new IOException(
                        where + ": tensor " + tensor + " contains NaN or infinite values");
            }
        }
    }

    public static String sha256(Path file) throws IOException {
        try (InputStream in =
                new DigestInputStream(
                        Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
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
