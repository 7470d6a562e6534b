package dev.distill.cli;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One JSON line per measurement in {@code bench/llama_peer.py}'s layout: {@code shape, what, value,
 * unit}, the measurement's settings, then what the run computed with (threads, dtype, engine
 * versions).
 */
final class BenchJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintWriter out;
    private final String shape;
    private final Map<String, Object> base = new LinkedHashMap<>();

    /** Starts the engine, so the thread count recorded is the one PyTorch really uses. */
    BenchJson(PrintWriter out, String shape) {
        this.out = out;
        this.shape = shape;
        Engine engine = Engine.getEngine("PyTorch");
        base.put("threads", JniUtils.getNumThreads());
        base.put("dtype", "float32");
        base.put("torch", engine.getVersion());
        base.put("djl", Engine.getDjlVersion());
        base.put("java", Runtime.version().toString());
    }

    /**
     * @param fields name, value pairs of the measurement's settings
     * @throws IllegalStateException for a non-finite value: a broken measurement is never printed
     *     as a number
     */
    void emit(String what, double value, String unit, Object... fields) {
        if (!Double.isFinite(value)) {
            throw new IllegalStateException(
                    "measurement " + what + " of " + shape + " came out as " + value);
        }
        if (fields.length % 2 != 0) {
            throw new IllegalArgumentException("fields of " + what + " must be name, value pairs");
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("shape", shape);
        line.put("what", what);
        line.put("value", round(value, 3));
        line.put("unit", unit);
        for (int i = 0; i < fields.length; i += 2) {
            line.put((String) fields[i], fields[i + 1]);
        }
        line.putAll(base);
        try {
            out.println(JSON.writeValueAsString(line));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(
                    "cannot write measurement " + what + " as JSON: " + e.getMessage(), e);
        }
        out.flush(); // runs take minutes: show each line as it is measured
    }

    static double round(double v, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(v * scale) / scale;
    }
}
