package dev.distill.core.objective;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/** One case of golden/minillm_objective_golden.json, turned into float64 NDArrays. */
final class GoldenCase {
    final JsonNode node;
    final String name;
    final int b, t, v, topk;

    GoldenCase(JsonNode node) {
        this.node = node;
        this.name = node.get("name").asText();
        this.b = node.get("B").asInt();
        this.t = node.get("T").asInt();
        this.v = node.get("V").asInt();
        this.topk = node.get("topk").asInt();
    }

    static List<GoldenCase> all() throws IOException {
        try (InputStream in =
                GoldenCase.class.getResourceAsStream("/golden/minillm_objective_golden.json")) {
            JsonNode root = new ObjectMapper().readTree(in);
            List<GoldenCase> out = new ArrayList<>();
            root.get("cases").forEach(c -> out.add(new GoldenCase(c)));
            return out;
        }
    }

    double hyper(String key) {
        return node.get("hyper").get(key).asDouble();
    }

    JsonNode expected(String key) {
        JsonNode e = node.get("expected").get(key);
        if (e == null) {
            throw new IllegalArgumentException("golden case " + name + " has no expected " + key);
        }
        return e;
    }

    NDArray input(NDManager m, String key) {
        return array(m, node.get("inputs").get(key));
    }

    NDArray ids(NDManager m, String key) {
        return input(m, key).toType(DataType.INT64, false);
    }

    static NDArray array(NDManager m, JsonNode nested) {
        List<Long> shape = new ArrayList<>();
        JsonNode n = nested;
        while (n.isArray()) {
            shape.add((long) n.size());
            n = n.get(0);
        }
        List<Double> flat = new ArrayList<>();
        flatten(nested, flat);
        double[] data = flat.stream().mapToDouble(Double::doubleValue).toArray();
        return m.create(data, new Shape(shape.stream().mapToLong(Long::longValue).toArray()));
    }

    private static void flatten(JsonNode n, List<Double> out) {
        if (n.isArray()) {
            n.forEach(c -> flatten(c, out));
        } else {
            out.add(n.asDouble());
        }
    }

    /** Within 1e-6 relative (plus 1e-9 absolute for values at or near zero). */
    void assertClose(String key, NDArray actual) {
        assertClose(key, actual, 1e-6);
    }

    void assertClose(String key, NDArray actual, double rel) {
        JsonNode e = expected(key);
        double[] got = actual.toType(DataType.FLOAT64, false).toDoubleArray();
        List<Double> want = new ArrayList<>();
        flatten(e, want);
        assertEquals(want.size(), got.length, name + "." + key + " size");
        for (int i = 0; i < got.length; i++) {
            double w = want.get(i);
            assertEquals(w, got[i], rel * Math.abs(w) + 1e-9, name + "." + key + "[" + i + "]");
        }
    }

    /**
     * The case's support set (its {@code support_mask}) in the rollout's representation, scored by
     * the teacher.
     */
    TeacherSupport support(NDManager m, NDArray teacherLogProbs) {
        JsonNode mask = expected("support_mask");
        int k = 0;
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                int n = 0;
                for (int x = 0; x < v; x++) {
                    n += mask.get(i).get(j).get(x).asInt();
                }
                k = Math.max(k, n);
            }
        }
        long[] ids = new long[b * t * k];
        double[] valid = new double[b * t * k];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                int n = 0;
                for (int x = 0; x < v; x++) {
                    if (mask.get(i).get(j).get(x).asInt() == 1) {
                        ids[(i * t + j) * k + n] = x;
                        valid[(i * t + j) * k + n] = 1;
                        n++;
                    }
                }
            }
        }
        return supportOf(
                m,
                m.create(ids, new Shape(b, t, k)),
                m.create(valid, new Shape(b, t, k)),
                teacherLogProbs);
    }

    /** The whole vocabulary as the support: the bucketed divergences are then exact. */
    static TeacherSupport exactSupport(NDManager m, NDArray teacherLogProbs) {
        Shape s = teacherLogProbs.getShape();
        NDArray ids = m.arange(0, (int) s.get(2), 1, DataType.INT64).broadcast(s); // (B, T, V)
        return supportOf(m, ids, m.ones(s, DataType.FLOAT64), teacherLogProbs);
    }

    private static TeacherSupport supportOf(
            NDManager m, NDArray ids, NDArray valid, NDArray teacherLogProbs) {
        NDArray lp = teacherLogProbs.gather(ids, -1).mul(valid); // (B, T, K)
        NDArray tail =
                m.create(1.0)
                        .sub(lp.exp().mul(valid).sum(new int[] {-1}))
                        .maximum(m.create(1e-30))
                        .log(); // (B, T)
        return new TeacherSupport(ids, valid, lp, tail);
    }
}
