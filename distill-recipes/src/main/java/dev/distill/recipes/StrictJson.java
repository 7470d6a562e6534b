package dev.distill.recipes;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads one JSON object of a recipe field by field and rejects fields nobody asked for. A misspelt
 * field ("warmup_step") silently falling back to a default would train a different model than the
 * author meant, so {@link #finish()} names every unknown field and the ones that are allowed.
 */
final class StrictJson {
    private final String source;
    private final String path;
    private final JsonNode node;
    private final Set<String> known = new LinkedHashSet<>();

    StrictJson(String source, String path, JsonNode node) {
        this.source = source;
        this.path = path;
        this.node = node;
        if (node == null || !node.isObject()) {
            throw error(path.isEmpty() ? "(top level)" : path, "must be a JSON object");
        }
    }

    StrictJson object(String name) {
        known.add(name);
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            throw error(field(name), "is missing");
        }
        return new StrictJson(source, field(name), v);
    }

    String text(String name, String fallback) {
        known.add(name);
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            if (fallback == null) {
                throw error(field(name), "is missing");
            }
            return fallback;
        }
        if (!v.isTextual()) {
            throw error(field(name), "must be a string, got " + kind(v));
        }
        return v.asText();
    }

    int integer(String name, Integer fallback) {
        JsonNode v = number(name, fallback == null);
        if (v == null) {
            return fallback;
        }
        if (!v.canConvertToExactIntegral() || !v.canConvertToInt()) {
            throw error(field(name), "must be a whole number, got " + v);
        }
        return v.asInt();
    }

    long longInteger(String name) {
        JsonNode v = number(name, true);
        if (!v.canConvertToExactIntegral() || !v.canConvertToLong()) {
            throw error(field(name), "must be a whole number, got " + v);
        }
        return v.asLong();
    }

    double decimal(String name, Double fallback) {
        JsonNode v = number(name, fallback == null);
        return v == null ? fallback : v.asDouble();
    }

    double[] decimals(String name, int length) {
        known.add(name);
        JsonNode v = node.get(name);
        if (v == null || !v.isArray() || v.size() != length) {
            throw error(
                    field(name),
                    "must be an array of "
                            + length
                            + " numbers, got "
                            + (v == null ? "nothing" : v));
        }
        double[] out = new double[length];
        for (int i = 0; i < length; i++) {
            if (!v.get(i).isNumber()) {
                throw error(field(name) + "[" + i + "]", "must be a number, got " + kind(v.get(i)));
            }
            out[i] = v.get(i).asDouble();
        }
        return out;
    }

    long[] integers(String name) {
        known.add(name);
        JsonNode v = node.get(name);
        if (v == null || !v.isArray() || v.isEmpty()) {
            throw error(
                    field(name),
                    "must be a non-empty array of whole numbers, got "
                            + (v == null ? "nothing" : v));
        }
        long[] out = new long[v.size()];
        for (int i = 0; i < out.length; i++) {
            if (!v.get(i).canConvertToExactIntegral()) {
                throw error(field(name) + "[" + i + "]", "must be a whole number, got " + v.get(i));
            }
            out[i] = v.get(i).asLong();
        }
        return out;
    }

    /** Fails if the object has fields no reader asked for; call after reading every field. */
    void finish() {
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!known.contains(name)) {
                unknown.add(field(name));
            }
        }
        if (!unknown.isEmpty()) {
            throw new InvalidRecipeException(
                    unknown.get(0),
                    "recipe "
                            + source
                            + ": unknown field"
                            + (unknown.size() > 1 ? "s " : " ")
                            + String.join(", ", unknown)
                            + (path.isEmpty() ? "" : " in '" + path + "'")
                            + "; allowed: "
                            + String.join(", ", known));
        }
    }

    InvalidRecipeException error(String field, String reason) {
        return new InvalidRecipeException(
                field, "recipe " + source + ": '" + field + "' " + reason);
    }

    String field(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private JsonNode number(String name, boolean required) {
        known.add(name);
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            if (required) {
                throw error(field(name), "is missing");
            }
            return null;
        }
        if (!v.isNumber()) {
            throw error(field(name), "must be a number, got " + kind(v));
        }
        return v;
    }

    private static String kind(JsonNode n) {
        return n.getNodeType().name().toLowerCase();
    }
}
