package dev.distill.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Hugging Face's {@code config.json} (and {@code generation_config.json}) for every supported
 * family: {@code model_type} picks the reader; a type we do not compute is refused with the
 * supported list.
 */
public final class HfConfigs {
    public static final String CONFIG = "config.json";
    public static final String GENERATION_CONFIG = "generation_config.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private HfConfigs() {}

    /**
     * The model config of a Hugging Face directory. End-of-text ids come from
     * generation_config.json when it names them (what transformers' generate() stops at), else from
     * config.json.
     */
    public static ModelConfig read(Path dir) throws IOException {
        Path file = dir.resolve(CONFIG);
        JsonNode node = readJson(file);
        String type = node.path("model_type").asText("gpt2");
        Family family;
        try {
            family = Family.of(type);
        } catch (IllegalArgumentException e) {
            throw new IOException("model config " + file + ": " + e.getMessage(), e);
        }
        ModelConfig config;
        try {
            config =
                    switch (family) {
                        case GPT2 -> GptConfig.fromJson(node, file).toModelConfig();
                        case OPT -> OptConfigJson.read(node, file);
                        case LLAMA -> LlamaConfigJson.read(node, file);
                    };
        } catch (IllegalArgumentException e) {
            throw new IOException("invalid model config " + file + ": " + e.getMessage(), e);
        }
        Path generation = dir.resolve(GENERATION_CONFIG);
        if (Files.isRegularFile(generation)) {
            List<Integer> eos = ids(readJson(generation).path("eos_token_id"), generation);
            if (!eos.isEmpty()) {
                try {
                    config = config.withEos(eos);
                } catch (IllegalArgumentException e) {
                    throw new IOException(generation + ": " + e.getMessage(), e);
                }
            }
        }
        return config;
    }

    /**
     * Writes config.json in the model's own family's layout, so transformers can load the
     * directory.
     */
    public static void write(ModelConfig config, Path file) throws IOException {
        switch (config.family()) {
            case GPT2 -> GptConfig.of(config).write(file);
            case OPT -> Files.writeString(file, pretty(OptConfigJson.toJson(config)));
            case LLAMA -> Files.writeString(file, pretty(LlamaConfigJson.toJson(config)));
        }
    }

    static JsonNode readJson(Path file) throws IOException {
        JsonNode node;
        try {
            node = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException("cannot parse model config " + file + ": " + e.getMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new IOException("model config " + file + " is not a JSON object");
        }
        return node;
    }

    /**
     * An id or a list of ids (Llama 3 lists several end-of-text ids); empty when absent or null.
     */
    static List<Integer> ids(JsonNode node, Path file) throws IOException {
        List<Integer> out = new ArrayList<>();
        if (node.isMissingNode() || node.isNull()) {
            return out;
        }
        if (node.isIntegralNumber()) {
            out.add(node.asInt());
            return out;
        }
        if (node.isArray()) {
            for (JsonNode n : node) {
                if (!n.isIntegralNumber()) {
                    throw new IOException(
                            file + ": eos_token_id entries must be integers, got " + n);
                }
                out.add(n.asInt());
            }
            return out;
        }
        throw new IOException(
                file + ": eos_token_id must be an integer or a list of integers, got " + node);
    }

    static int requiredInt(JsonNode node, String field, Path file) throws IOException {
        JsonNode v = node.path(field);
        if (!v.isIntegralNumber()) {
            throw new IOException(
                    "model config " + file + " lacks the integer field '" + field + "'");
        }
        return v.asInt();
    }

    private static String pretty(JsonNode node) throws IOException {
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n";
    }

    static ObjectMapper json() {
        return JSON;
    }
}
