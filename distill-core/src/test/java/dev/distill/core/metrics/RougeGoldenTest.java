package dev.distill.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * Every line of the golden files produced by Python's rouge_score + NLTK 3.8 must match; failures
 * are collected so one run shows all mismatching lines, and line counts are pinned so a truncated
 * copy of a golden file cannot pass silently.
 */
class RougeGoldenTest {
    private static final double TOL = 1e-9;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<JsonNode> lines(String name) throws IOException {
        InputStream in =
                Objects.requireNonNull(
                        RougeGoldenTest.class.getResourceAsStream("/golden/" + name), name);
        List<JsonNode> out = new ArrayList<>();
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (!line.isBlank()) {
                    out.add(JSON.readTree(line));
                }
            }
        }
        return out;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static boolean close(double expected, double actual) {
        return Math.abs(expected - actual) <= TOL;
    }

    @Test
    void tokensMatchEveryLine() throws IOException {
        List<JsonNode> cases = lines("rouge_tokens_golden.jsonl");
        assertEquals(100, cases.size());
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            JsonNode c = cases.get(i);
            List<String> expected = strings(c.get("tokens"));
            List<String> actual = RougeL.tokens(c.get("text").asText());
            if (!expected.equals(actual)) {
                failures.add(
                        "line "
                                + (i + 1)
                                + ": "
                                + c.get("text")
                                + "\n  expected "
                                + expected
                                + "\n  actual   "
                                + actual);
            }
        }
        assertTrue(
                failures.isEmpty(),
                failures.size() + " mismatches:\n" + String.join("\n", failures));
    }

    @Test
    void singleReferenceScoresMatchEveryLine() throws IOException {
        List<JsonNode> cases = lines("rougeL_golden.jsonl");
        assertEquals(497, cases.size());
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            JsonNode c = cases.get(i);
            RougeL.Score s =
                    RougeL.score(c.get("prediction").asText(), c.get("reference").asText());
            double p = c.get("precision").asDouble(),
                    r = c.get("recall").asDouble(),
                    f = c.get("fmeasure").asDouble();
            if (!close(p, s.precision()) || !close(r, s.recall()) || !close(f, s.fmeasure())) {
                failures.add(
                        "line "
                                + (i + 1)
                                + ": expected ("
                                + p
                                + ", "
                                + r
                                + ", "
                                + f
                                + ") actual "
                                + s
                                + "\n  pred "
                                + c.get("prediction")
                                + "\n  ref  "
                                + c.get("reference"));
            }
        }
        assertTrue(
                failures.isEmpty(),
                failures.size() + " mismatches:\n" + String.join("\n", failures));
    }

    @Test
    void multiReferenceMaxMatchesEveryLine() throws IOException {
        List<JsonNode> cases = lines("rougeL_multi_golden.jsonl");
        assertEquals(101, cases.size());
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            JsonNode c = cases.get(i);
            double expected = c.get("rougeL_max_f").asDouble();
            double actual = RougeL.maxF(c.get("prediction").asText(), strings(c.get("references")));
            if (!close(expected, actual)) {
                failures.add(
                        "line "
                                + (i + 1)
                                + ": expected "
                                + expected
                                + " actual "
                                + actual
                                + " for "
                                + c);
            }
        }
        assertTrue(
                failures.isEmpty(),
                failures.size() + " mismatches:\n" + String.join("\n", failures));
    }
}
