package dev.distill.core.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Teacher and student must read and write the same token ids: every rollout carries ids, and the
 * objective compares the two models' distributions id by id. Families may differ (a Qwen3 teacher,
 * a Llama student) as long as the tokenizer is the same. Cross-tokenizer distillation does not
 * exist yet.
 */
public final class SharedVocabulary {
    private SharedVocabulary() {}

    /**
     * Fails with the first differences when the two checkpoints' tokenizers (their tokenizer.json
     * when both have one) or their logit widths differ.
     */
    public static void require(Path teacherDir, int teacherVocab, Path studentDir, int studentVocab)
            throws IOException {
        Path t = teacherDir.resolve(Tokenizers.FILE);
        Path s = studentDir.resolve(Tokenizers.FILE);
        if (Files.isRegularFile(t) && Files.isRegularFile(s)) {
            Map<Integer, String> a = tokens(t);
            Map<Integer, String> b = tokens(s);
            if (!a.equals(b)) {
                throw new IOException(
                        "the teacher ("
                                + teacherDir
                                + ") and the student ("
                                + studentDir
                                + ") do not share a tokenizer: "
                                + differences(a, b)
                                + ". Distillation needs the same "
                                + "vocabulary and ids on both sides");
            }
        }
        if (teacherVocab != studentVocab) {
            throw new IOException(
                    "the teacher ("
                            + teacherDir
                            + ") scores "
                            + teacherVocab
                            + " token ids but the student ("
                            + studentDir
                            + ") "
                            + studentVocab
                            + "; distillation needs the same vocabulary and ids on both sides");
        }
    }

    /** Id to token of a tokenizer.json: the model's vocabulary plus the added tokens. */
    static Map<Integer, String> tokens(Path file) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException("cannot parse " + file + ": " + e.getMessage(), e);
        }
        Map<Integer, String> out = new HashMap<>();
        JsonNode vocab = root.path("model").path("vocab");
        if (vocab.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.put(e.getValue().asInt(), e.getKey());
            }
        } else if (vocab.isArray()) {
            for (int i = 0; i < vocab.size(); i++) {
                out.put(i, vocab.get(i).path(0).asText()); // Unigram: [piece, score]
            }
        }
        for (JsonNode added : root.path("added_tokens")) {
            out.put(added.path("id").asInt(), added.path("content").asText());
        }
        return out;
    }

    private static String differences(Map<Integer, String> teacher, Map<Integer, String> student) {
        TreeMap<Integer, String> diff = new TreeMap<>();
        for (Map.Entry<Integer, String> e : teacher.entrySet()) {
            String other = student.get(e.getKey());
            if (!e.getValue().equals(other)) {
                diff.put(
                        e.getKey(),
                        "'"
                                + e.getValue()
                                + "' vs "
                                + (other == null ? "none" : "'" + other + "'"));
            }
        }
        for (Map.Entry<Integer, String> e : student.entrySet()) {
            if (!teacher.containsKey(e.getKey())) {
                diff.put(e.getKey(), "none vs '" + e.getValue() + "'");
            }
        }
        StringBuilder b =
                new StringBuilder(
                        diff.size()
                                + " of "
                                + Math.max(teacher.size(), student.size())
                                + " ids differ (teacher vs student)");
        diff.entrySet().stream()
                .limit(3)
                .forEach(
                        e ->
                                b.append("; id ")
                                        .append(e.getKey())
                                        .append(": ")
                                        .append(e.getValue()));
        return b.toString();
    }
}
