package dev.distill.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code distill bench --shape tiny}: every measurement of bench/llama_peer.py, as one JSON line
 * each.
 */
class BenchShapeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void tinyShapePrintsEveryMeasurementWithAFinitePositiveValue() throws Exception {
        CliRun r =
                CliRun.distill(
                        "bench",
                        "--shape",
                        "tiny",
                        "--iters",
                        "1",
                        "--soak",
                        "12",
                        "--only",
                        "load,gen,score,mem,train");
        assertEquals(0, r.code(), r.err());
        List<JsonNode> lines = jsonLines(r.out());
        String[][] expected = {
            {"load_s", null},
            {"load_peak_rss", null},
            {"init_s", null},
            {"rss_after_init", null},
            {"peak_rss_after_init", null},
            {"gen_end_to_end", "batch=1"},
            {"gen_end_to_end", "batch=16"},
            {"score", null},
            {"score_topk_only", null},
            {"soak_rss", "iteration=1"},
            {"soak_rss", "iteration=10"},
            {"soak_rss", "iteration=12"},
            {"soak_score", null},
            {"train_minillm_step", null}
        };
        assertEquals(expected.length, lines.size(), r.out());
        for (String[] e : expected) {
            JsonNode line = only(lines, e[0], e[1]);
            assertEquals("tiny", line.get("shape").asText());
            assertFalse(line.get("unit").asText().isEmpty(), line.toString());
            double v = line.get("value").asDouble();
            assertTrue(Double.isFinite(v) && v > 0, line.toString());
        }
        JsonNode load = only(lines, "load_peak_rss", null);
        assertEquals(4L * BenchShape.TINY.peerParams(), load.get("weights_f32_bytes").asLong());
        assertTrue(load.get("tied").asBoolean());
        assertTrue(only(lines, "soak_rss", "iteration=12").get("live_ndarrays").asInt() > 0);
    }

    @Test
    void largeLoadsTheShapeWithAnUntiedHead() throws Exception {
        CliRun r = CliRun.distill("bench", "--shape", "tiny", "--large", "--only", "load");
        assertEquals(0, r.code(), r.err());
        JsonNode load = only(jsonLines(r.out()), "load_s", null);
        assertFalse(load.get("tied").asBoolean());
        assertEquals(BenchShape.TINY.peerParams() + 1000 * 64, load.get("params").asLong());
    }

    @Test
    void shapesHaveTheHuggingFaceParameterCounts() {
        for (BenchShape s : BenchShape.values()) {
            assertEquals(s.peerParams(), s.config(true).parameterCount(), s.id());
        }
        assertEquals(
                494_032_768L + 151_936L * 896,
                BenchShape.QWEN25_05B.config(false).parameterCount());
    }

    @Test
    void refusesBadShapeOptionsByName() {
        CliRun unknown = CliRun.distill("bench", "--shape", "gpt-5");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("unknown shape 'gpt-5'"), unknown.err());
        CliRun part = CliRun.distill("bench", "--shape", "tiny", "--only", "gen,decode");
        assertTrue(part.err().contains("unknown part 'decode'"), part.err());
        CliRun noShape = CliRun.distill("bench", "--iters", "2");
        assertTrue(noShape.err().contains("--iters applies to --shape runs only"), noShape.err());
    }

    private static List<JsonNode> jsonLines(String out) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String l : out.lines().toList()) {
            assertTrue(l.startsWith("{"), "not a JSON line: " + l);
            lines.add(JSON.readTree(l));
        }
        return lines;
    }

    /** The single line of measurement {@code what}, optionally with {@code field=value}. */
    private static JsonNode only(List<JsonNode> lines, String what, String where) {
        List<JsonNode> hits =
                lines.stream()
                        .filter(l -> l.get("what").asText().equals(what))
                        .filter(
                                l ->
                                        where == null
                                                || l.path(where.split("=")[0])
                                                        .asText()
                                                        .equals(where.split("=")[1]))
                        .toList();
        assertEquals(1, hits.size(), what + (where == null ? "" : " " + where) + " in " + lines);
        return hits.get(0);
    }
}
