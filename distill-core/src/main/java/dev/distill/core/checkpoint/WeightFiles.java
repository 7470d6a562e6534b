package dev.distill.core.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The weights of a Hugging Face directory: {@code model.safetensors}, or the shards that {@code
 * model.safetensors.index.json} names. Tensors are read one at a time through memory maps, so
 * loading never holds more than the model plus one tensor.
 */
public final class WeightFiles implements AutoCloseable {
    public static final String SINGLE = "model.safetensors";
    public static final String INDEX = "model.safetensors.index.json";

    private final Map<String, Path> fileOf = new LinkedHashMap<>();
    private final Map<String, SafeTensors.Entry> entries = new LinkedHashMap<>();
    private final Map<Path, FileChannel> channels = new LinkedHashMap<>();

    private WeightFiles() {}

    public static WeightFiles open(Path dir) throws IOException {
        WeightFiles w = new WeightFiles();
        try {
            Path single = dir.resolve(SINGLE);
            Path index = dir.resolve(INDEX);
            if (Files.isRegularFile(single)) {
                w.add(single);
            } else if (Files.isRegularFile(index)) {
                w.addShards(dir, index);
            } else {
                throw new IOException(
                        "checkpoint " + dir + " has neither " + SINGLE + " nor " + INDEX);
            }
            return w;
        } catch (IOException | RuntimeException e) {
            w.close();
            throw e;
        }
    }

    private void addShards(Path dir, Path index) throws IOException {
        JsonNode map;
        try {
            map = new ObjectMapper().readTree(index.toFile()).path("weight_map");
        } catch (IOException e) {
            throw new IOException("cannot parse " + index + ": " + e.getMessage(), e);
        }
        if (!map.isObject() || map.isEmpty()) {
            throw new IOException(index + " has no weight_map");
        }
        Map<String, String> wanted = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            wanted.put(e.getKey(), e.getValue().asText());
        }
        for (String shard : wanted.values().stream().distinct().toList()) {
            Path file = dir.resolve(shard).normalize();
            if (!file.getParent().equals(dir.normalize()) || !Files.isRegularFile(file)) {
                throw new IOException(
                        index + " names shard " + shard + ", which is not a file in " + dir);
            }
            add(file);
        }
        for (Map.Entry<String, String> e : wanted.entrySet()) {
            Path where = fileOf.get(e.getKey());
            if (where == null || !where.getFileName().toString().equals(e.getValue())) {
                throw new IOException(
                        index
                                + " puts "
                                + e.getKey()
                                + " in "
                                + e.getValue()
                                + " but "
                                + (where == null
                                        ? "no shard has it"
                                        : "it is in " + where.getFileName()));
            }
        }
        if (wanted.size() != entries.size()) {
            throw new IOException(
                    "the shards of "
                            + dir
                            + " hold "
                            + entries.size()
                            + " tensors but "
                            + index
                            + " lists "
                            + wanted.size());
        }
    }

    private void add(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        channels.put(file, ch);
        for (SafeTensors.Entry e : SafeTensors.header(file, ch).values()) {
            if (fileOf.putIfAbsent(e.name(), file) != null) {
                throw new IOException(
                        "tensor "
                                + e.name()
                                + " is in both "
                                + fileOf.get(e.name())
                                + " and "
                                + file);
            }
            entries.put(e.name(), e);
        }
    }

    /** Tensor name to its header entry (dtype, shape), in file order. */
    public Map<String, SafeTensors.Entry> entries() {
        return entries;
    }

    /** The tensor's values as float32. */
    public float[] read(String name) throws IOException {
        Path file = fileOf.get(name);
        if (file == null) {
            throw new IOException("no tensor " + name);
        }
        return SafeTensors.data(file, channels.get(file), entries.get(name));
    }

    /** The tensor's values as float32 into {@code out}, without passing through the Java heap. */
    public void readInto(String name, java.nio.FloatBuffer out) throws IOException {
        Path file = fileOf.get(name);
        if (file == null) {
            throw new IOException("no tensor " + name);
        }
        SafeTensors.dataInto(file, channels.get(file), entries.get(name), out);
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (FileChannel ch : channels.values()) {
            try {
                ch.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
