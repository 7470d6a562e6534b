package dev.distill.core.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Instruction data as JSON lines, plain or gzip; blank lines are skipped. Each line is one of:
 *
 * <ul>
 *   <li>our suite's {"id"?, "family"?, "key"?, "instruction", "context"?, "references": [...]},
 *       with "options": [...] and "answer": index for multiple choice ("references" then defaults
 *       to the correct option);
 *   <li>Dolly's {"instruction", "context", "response", "category"?} ("category" becomes the
 *       family);
 *   <li>plain {"prompt", "response"}.
 * </ul>
 *
 * A line that fits none of them fails the whole read with its file, line number and reason:
 * silently skipping it would quietly change what a model is trained or scored on.
 */
public final class InstructionJsonl {
    private static final ObjectMapper JSON =
            new ObjectMapper()
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private InstructionJsonl() {}

    public static List<TaskItem> read(Path file) throws IOException {
        List<TaskItem> out = new ArrayList<>();
        DataLines.forEach(
                file,
                (n, line) -> {
                    if (!line.isBlank()) {
                        out.add(parse(file, n, line));
                    }
                });
        return out;
    }

    public static List<HeldOutItem> readItems(Path file) throws IOException {
        return read(file).stream().map(TaskItem::item).toList();
    }

    static TaskItem parse(Path file, long n, String line) throws MalformedDataException {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new MalformedDataException(
                    file, n, "not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (!node.isObject()) {
            throw new MalformedDataException(file, n, "expected a JSON object, got " + kind(node));
        }
        Fields f = new Fields(file, n, node);
        String instruction = f.text("instruction");
        String prompt = f.text("prompt");
        if (instruction != null && prompt != null) {
            throw f.error(
                    "has both \"instruction\" and \"prompt\"; which one is the prompt is"
                            + " ambiguous");
        }
        if (instruction == null) {
            instruction = prompt;
        }
        if (instruction == null || instruction.isBlank()) {
            throw f.error("missing \"instruction\" (or \"prompt\")");
        }
        List<String> options = f.texts("options");
        int answer = -1;
        if (node.has("answer")) {
            JsonNode a = node.get("answer");
            if (!a.canConvertToExactIntegral() || !a.isNumber()) {
                throw f.error(
                        "\"answer\" must be an integer index into \"options\", got " + kind(a));
            }
            answer = a.asInt();
            if (answer < 0 || answer >= options.size()) {
                throw f.error(
                        "\"answer\" "
                                + answer
                                + " is not an index of the "
                                + options.size()
                                + " options");
            }
        } else if (!options.isEmpty()) {
            throw f.error("has \"options\" but no \"answer\"");
        }
        List<String> references = new ArrayList<>(f.texts("references"));
        String response = f.text("response");
        if (response != null) {
            references.add(response);
        }
        if (references.isEmpty() && answer >= 0) {
            references.add(options.get(answer));
        }
        if (references.isEmpty()) {
            throw f.error("no \"references\" or \"response\"");
        }
        for (int i = 0; i < references.size(); i++) {
            if (references.get(i).isBlank()) {
                throw f.error(
                        response != null && i == references.size() - 1
                                ? "\"response\" is empty"
                                : "references[" + i + "] is empty");
            }
        }
        String family = f.text("family");
        if (family == null) {
            family = f.text("category");
        }
        String id = f.text("id");
        HeldOutItem item =
                new HeldOutItem(
                        id != null ? id : "line-" + n,
                        instruction,
                        f.text("context"),
                        references,
                        options,
                        answer);
        return new TaskItem(family, f.text("key"), item);
    }

    private static String kind(JsonNode n) {
        return n.getNodeType().name().toLowerCase();
    }

    /** Typed access to one line's fields, with errors that name the field. */
    private record Fields(Path file, long n, JsonNode node) {
        MalformedDataException error(String reason) {
            return new MalformedDataException(file, n, reason);
        }

        /** The string value of a field, or null when it is absent or JSON null. */
        String text(String name) throws MalformedDataException {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isTextual()) {
                throw error("\"" + name + "\" must be a string, got " + kind(v));
            }
            return v.asText();
        }

        List<String> texts(String name) throws MalformedDataException {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) {
                return List.of();
            }
            if (!v.isArray()) {
                throw error("\"" + name + "\" must be an array of strings, got " + kind(v));
            }
            List<String> out = new ArrayList<>();
            for (int i = 0; i < v.size(); i++) {
                if (!v.get(i).isTextual()) {
                    throw error(name + "[" + i + "] must be a string, got " + kind(v.get(i)));
                }
                out.add(v.get(i).asText());
            }
            return out;
        }
    }
}
