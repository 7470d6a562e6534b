package dev.distill.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.distill.core.generation.Generator;
import dev.distill.core.generation.SamplingConfig;
import dev.distill.core.generation.Scorer;
import dev.distill.core.model.CausalLm;
import dev.distill.core.model.ModelConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * {@code distill bench --shape}: what {@code bench/llama_peer.py} measures, with its settings, on a
 * random-weight model of a real shape, one JSON line per measurement so the two runs sit side by
 * side. Parts run in the peer's order (gen, score, mem, train), so the soak's RSS holds no
 * optimiser state; the load part runs first, in child JVMs, before this process holds a model.
 */
final class ShapeBench {
    static final List<String> PARTS = List.of("load", "gen", "score", "mem", "train");
    static final int GEN_PROMPT = 32;
    static final int GEN_NEW = 64;
    static final int[] GEN_BATCHES = {1, 16};
    static final int SCORE_B = 8;
    static final int SCORE_T = 128;
    static final int TOP_K = 32;
    private static final double MIB = 1024.0 * 1024;

    /**
     * @param parts subset of {@link #PARTS}
     * @param trainNamed whether --only named train, which (as in the peer) runs it for any shape
     * @param large load an untied-head variant (qwen2.5-0.5b: one model.safetensors past 2 GB)
     */
    record Settings(
            BenchShape shape,
            Set<String> parts,
            boolean trainNamed,
            int iters,
            int soak,
            boolean large) {}

    private final Settings s;
    private final BenchJson json;
    private final SplittableRandom rng = new SplittableRandom(1);

    ShapeBench(Settings s, BenchJson json) {
        this.s = s;
        this.json = json;
    }

    void run() throws IOException, InterruptedException {
        if (s.parts().contains("load")) {
            load();
        }
        if (s.parts().contains("gen") || s.parts().contains("score") || s.parts().contains("mem")) {
            withModel();
        }
        if (s.parts().contains("train")
                && (s.shape() == BenchShape.SMOLLM2_135M || s.trainNamed())) {
            train(); // builds its own model, as the GPT-2 trainer bench does; the one above is
            // closed by now
        }
    }

    private void load() throws IOException, InterruptedException {
        JsonNode r = LoadProbe.measure(s.shape(), !s.large());
        long weightBytes = 4 * r.get("params").asLong();
        double weightMib = weightBytes / (1024.0 * 1024);
        json.emit(
                "load_s",
                r.get("load_s").asDouble(),
                "s",
                "params",
                r.get("params").asLong(),
                "tied",
                r.get("tied").asBoolean(),
                "file_bytes",
                r.get("file_bytes").asLong(),
                "sha256_s",
                BenchJson.round(r.get("sha256_s").asDouble(), 3),
                "note",
                "Checkpoints.load of a single model.safetensors in a fresh JVM (with the manifest's"
                        + " SHA-256 check of the weights, which sha256_s times again on its own"
                        + " afterwards)");
        json.emit(
                "load_peak_rss",
                r.get("peak_mib").asDouble(),
                "MiB",
                "source",
                "VmHWM of the loading JVM",
                "weights_f32_bytes",
                weightBytes,
                "weights_f32_mib",
                BenchJson.round(weightMib, 1),
                "peak_over_weights",
                BenchJson.round(r.get("peak_mib").asDouble() / weightMib, 2),
                "rss_before_load_mib",
                mib(r, "rss_before_load_mib"),
                "rss_after_load_mib",
                mib(r, "rss_after_load_mib"),
                "rss_after_gc_mib",
                mib(r, "rss_after_gc_mib"),
                "rss_anon_mib",
                mib(r, "rss_anon_mib"),
                "rss_file_mib",
                mib(r, "rss_file_mib"),
                "max_heap_mib",
                mib(r, "max_heap_mib"),
                "tied",
                r.get("tied").asBoolean());
    }

    private static double mib(JsonNode r, String field) {
        return BenchJson.round(r.get(field).asDouble(), 1);
    }

    /** Builds the model as the peer does (timed, with RSS), then runs the parts that use it. */
    private void withModel() throws IOException {
        ModelConfig config = s.shape().config(true);
        try (NDManager root = NDManager.newBaseManager()) {
            double rss0 = ProcStatus.rssMib(); // the engine is already up (BenchJson started it)
            long start = System.nanoTime();
            try (CausalLm model = CausalLm.create(config, root, 0)) {
                double initS = (System.nanoTime() - start) / 1e9;
                long params = model.parameters().count();
                json.emit(
                        "init_s",
                        initS,
                        "s",
                        "params",
                        params,
                        "init",
                        "CausalLm.create, random weights drawn in Java");
                json.emit(
                        "rss_after_init",
                        ProcStatus.rssMib(),
                        "MiB",
                        "peak_mib",
                        BenchJson.round(ProcStatus.peakMib(), 1),
                        "rss_before_model_mib",
                        BenchJson.round(rss0, 1),
                        "params",
                        params);
                json.emit(
                        "peak_rss_after_init",
                        ProcStatus.peakMib(),
                        "MiB",
                        "source",
                        "VmHWM",
                        "params",
                        params);
                if (s.parts().contains("gen")) {
                    generation(model);
                }
                List<int[]> seqs = rows(SCORE_B, SCORE_T, config.vocabSize());
                if (s.parts().contains("score")) {
                    scoring(model, seqs);
                }
                if (s.parts().contains("mem")) {
                    soak(model, seqs, root);
                }
            }
        }
    }

    /**
     * End-to-end KV-cache generation tokens/s through Generator.generate, median of iters after a
     * warm-up.
     */
    private void generation(CausalLm model) {
        for (int b : GEN_BATCHES) {
            List<int[]> prompts = rows(b, GEN_PROMPT, model.config().vocabSize());
            Generator.generate(
                    model,
                    prompts,
                    new SamplingConfig(1.0, 0, 1.0, 0, 8, -1, 0)); // warm-up, as the peer's
            double[] rates = new double[s.iters()];
            for (int i = 0; i < rates.length; i++) {
                SamplingConfig sampling = new SamplingConfig(1.0, 0, 1.0, 0, GEN_NEW, -1, i + 1);
                long start = System.nanoTime();
                List<Generator.Generation> out = Generator.generate(model, prompts, sampling);
                double secs = (System.nanoTime() - start) / 1e9;
                int produced = out.stream().mapToInt(g -> g.tokens().length).sum();
                if (produced != b * GEN_NEW) {
                    throw new IllegalStateException(
                            "generation at batch "
                                    + b
                                    + " produced "
                                    + produced
                                    + " tokens, not "
                                    + b * GEN_NEW
                                    + "; the rate would not compare with the peer's");
                }
                rates[i] = produced / secs;
            }
            json.emit(
                    "gen_end_to_end",
                    median(rates),
                    "tokens/s",
                    "batch",
                    b,
                    "prompt",
                    GEN_PROMPT,
                    "new_tokens",
                    GEN_NEW,
                    "sampling",
                    "temperature 1, SamplingConfig(1.0, 0, 1.0, 0, 64, -1, seed)",
                    "iters",
                    s.iters(),
                    "stat",
                    "median",
                    "note",
                    "new tokens x batch / wall time of Generator.generate (prefill, "
                            + "63 KV-cache steps, sampling in Java)");
        }
    }

    /**
     * Teacher-forced scoring of B x T tokens. {@code score} is the producer-teacher's teacher call
     * in reference mode (ReferenceRollouts: top-k plus the full log-distribution, from which the
     * support set's scores are read); {@code score_topk_only} is the behaviour student's call,
     * which is exactly the peer's work (forward, log-softmax, next-token gather, top-k).
     */
    private void scoring(CausalLm model, List<int[]> seqs) {
        for (boolean full : new boolean[] {true, false}) {
            Scorer.score(model, seqs, TOP_K, full); // warm-up
            double[] rates = new double[s.iters()];
            for (int i = 0; i < rates.length; i++) {
                long start = System.nanoTime();
                Scorer.score(model, seqs, TOP_K, full);
                rates[i] = SCORE_B * SCORE_T / ((System.nanoTime() - start) / 1e9);
            }
            json.emit(
                    full ? "score" : "score_topk_only",
                    median(rates),
                    "tokens/s",
                    "batch",
                    SCORE_B,
                    "seq",
                    SCORE_T,
                    "topk",
                    TOP_K,
                    "full_distribution",
                    full,
                    "iters",
                    s.iters(),
                    "stat",
                    "median",
                    "note",
                    "Scorer.score(model, seqs, " + TOP_K + ", " + full + "), tokens = B*T");
        }
    }

    /**
     * RSS after 1, 10 and --soak scoring iterations (the teacher's call), and the live NDArray
     * count.
     */
    private void soak(CausalLm model, List<int[]> seqs, NDManager root) throws IOException {
        TreeSet<Integer> marks = new TreeSet<>();
        for (int i : new int[] {1, 10, s.soak()}) {
            if (i <= s.soak()) {
                marks.add(i);
            }
        }
        double busy =
                0; // scoring time only: the collections before each RSS reading are not scoring
        // The peer's soak workload (next-token log-probs and top-k): `score` above shows the
        // full-distribution cost.
        boolean full = false;
        for (int i = 1; i <= s.soak(); i++) {
            long start = System.nanoTime();
            Scorer.score(model, seqs, TOP_K, full);
            busy += (System.nanoTime() - start) / 1e9;
            if (marks.contains(i)) {
                double rss = ProcStatus.rssAfterGcMib();
                Runtime jvm = Runtime.getRuntime();
                // The heap the JVM keeps committed after the collection is part of the RSS, though
                // it holds no live data: shown beside it so a high but flat RSS can be told from a
                // leak.
                json.emit(
                        "soak_rss",
                        rss,
                        "MiB",
                        "iteration",
                        i,
                        "peak_mib",
                        BenchJson.round(ProcStatus.peakMib(), 1),
                        "live_ndarrays",
                        root.getParentManager().getManagedArrays().size(),
                        "after_gc",
                        true,
                        "java_heap_committed_mib",
                        BenchJson.round(jvm.totalMemory() / MIB, 1),
                        "java_heap_used_mib",
                        BenchJson.round((jvm.totalMemory() - jvm.freeMemory()) / MIB, 1),
                        "batch",
                        SCORE_B,
                        "seq",
                        SCORE_T,
                        "topk",
                        TOP_K,
                        "full_distribution",
                        full);
            }
        }
        json.emit(
                "soak_score",
                s.soak() * SCORE_B * SCORE_T / busy,
                "tokens/s",
                "iterations",
                s.soak(),
                "batch",
                SCORE_B,
                "seq",
                SCORE_T,
                "topk",
                TOP_K,
                "full_distribution",
                full);
    }

    /**
     * The MiniLLM trainer step through the GPT-2 bench's own code path (StudentTrainer,
     * SyntheticRollouts).
     */
    private void train() throws IOException {
        BenchCommand.TrainerRate r =
                BenchCommand.trainerTokensPerSecond(s.shape().config(true), s.iters());
        json.emit(
                "train_minillm_step",
                r.responseTokensPerSecond(),
                "response tokens/s",
                "ms_step",
                BenchJson.round(r.msPerStep(), 1),
                "batch",
                BenchCommand.TRAINER_BATCH,
                "prompt",
                BenchCommand.TRAINER_PROMPT,
                "response",
                BenchCommand.TRAINER_RESPONSE,
                "support_k",
                BenchCommand.TRAINER_K,
                "steps",
                r.steps(),
                "warmup_steps",
                BenchCommand.TRAINER_WARMUP_STEPS,
                "loss",
                BenchJson.round(r.lastLoss(), 4),
                "peak_mib",
                BenchJson.round(ProcStatus.peakMib(), 1));
    }

    private List<int[]> rows(int b, int t, int vocab) {
        List<int[]> out = new ArrayList<>(b);
        for (int r = 0; r < b; r++) {
            out.add(rng.ints(t, 0, vocab).toArray());
        }
        return out;
    }

    /**
     * The median as Python's statistics.median takes it (mean of the middle two for an even count).
     */
    static double median(double[] xs) {
        double[] v = xs.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
