package dev.distill.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.distill.core.data.Rollout;
import dev.distill.core.generation.Generator;
import dev.distill.core.generation.SamplingConfig;
import dev.distill.core.model.CausalLm;
import dev.distill.core.model.GptConfig;
import dev.distill.core.model.ModelConfig;
import dev.distill.core.model.NoGrad;
import dev.distill.core.objective.Objective;
import dev.distill.core.objective.ObjectiveConfig;
import dev.distill.core.train.AdamW;
import dev.distill.core.train.LearningRate;
import dev.distill.core.train.LmTrainer;
import dev.distill.core.train.StudentTrainer;
import dev.distill.core.train.TokenBatch;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Model-core throughput on this machine, with the same models, batch and steps as {@code
 * shared/bench/torch_gpt_peer.py} so the two tables can be compared line by line. With {@code
 * --shape}: what {@code bench/llama_peer.py} measures, on a real Llama-family shape (see {@link
 * ShapeBench}).
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description =
                "Measures training and KV-cache generation tokens/s, fp32 matmul GFLOP/s and memory"
                    + " over a soak; with --shape, load, generation, scoring, soak and trainer-step"
                    + " numbers of a real model shape as JSON lines.")
final class BenchCommand implements Callable<Integer> {
    /** The MiniLLM trainer step's settings, shared by the GPT-2 table and --shape. */
    static final int TRAINER_BATCH = 8;

    static final int TRAINER_PROMPT = 16;
    static final int TRAINER_RESPONSE = 112;
    static final int TRAINER_K = 32;
    static final int TRAINER_WARMUP_STEPS = 2;

    @Spec CommandSpec spec;

    @Option(
            names = "--scale",
            defaultValue = "1.0",
            description = "multiplies step counts (use 0.2 for a quick look)")
    double scale;

    @Option(
            names = "--soak-steps",
            defaultValue = "1000",
            description = "training steps of the memory soak")
    int soakSteps;

    @Option(names = "--large-vocab", description = "also run the GPT-2-vocabulary model (V=50257)")
    boolean largeVocab;

    @Option(
            names = "--shape",
            paramLabel = "SHAPE",
            description =
                    "smollm2-135m, qwen2.5-0.5b or tiny: instead of the GPT-2 table, measure what"
                            + " bench/llama_peer.py measures on a random model of that shape (JSON"
                            + " lines)")
    String shape;

    @Option(
            names = "--iters",
            defaultValue = "3",
            description =
                    "with --shape: timed repeats of each measurement "
                            + "after one warm-up (default ${DEFAULT-VALUE})")
    int iters;

    @Option(
            names = "--soak",
            defaultValue = "50",
            description =
                    "with --shape: scoring iterations of the memory soak "
                            + "(default ${DEFAULT-VALUE})")
    int soak;

    @Option(
            names = "--only",
            split = ",",
            paramLabel = "PART",
            description =
                    "with --shape: comma list of load, gen, score, mem, train (default: all; train"
                            + " runs for smollm2-135m only unless named here)")
    List<String> only;

    @Option(
            names = "--large",
            description =
                    "with --shape: the load part loads the shape with an untied lm_head "
                            + "(qwen2.5-0.5b: one model.safetensors of 2.5 GB, past 2 GB)")
    boolean large;

    record Spec1(String name, GptConfig cfg, int steps) {}

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        if (shape != null) {
            ShapeBench.Settings settings = shapeSettings();
            new ShapeBench(settings, new BenchJson(out, settings.shape().id())).run();
            return 0;
        }
        for (String o : List.of("--iters", "--soak", "--only", "--large")) {
            if (spec.commandLine().getParseResult().hasMatchedOption(o)) {
                throw new ParameterException(
                        spec.commandLine(), o + " applies to --shape runs only");
            }
        }
        List<Spec1> specs = new ArrayList<>();
        specs.add(new Spec1("gpt-1M  V1024 C128 H4 L4", GptConfig.of(1024, 256, 128, 4, 4), 20));
        specs.add(new Spec1("gpt-10M V2048 C384 H6 L5", GptConfig.of(2048, 256, 384, 5, 6), 8));
        if (largeVocab) {
            specs.add(
                    new Spec1("gpt-7M  V50257 C128 H4 L4", GptConfig.of(50257, 256, 128, 4, 4), 6));
        }
        out.printf(
                "threads=%s  (B=8, T=128 training; B=1, 16-token prompt, 100 new tokens"
                        + " generation)%n",
                System.getProperty("ai.djl.pytorch.num_threads", "default"));
        out.printf("%-26s %11s %13s %15s%n", "model", "params", "train_tok/s", "gen_kv_tok/s");
        for (Spec1 s : specs) {
            int steps = Math.max(2, (int) Math.round(s.steps() * scale));
            double train = trainTokensPerSecond(s.cfg(), 8, 128, steps);
            double gen = generateTokensPerSecond(s.cfg(), 100);
            out.printf(
                    "%-26s %,11d %13.0f %15.0f%n", s.name(), s.cfg().parameterCount(), train, gen);
            out.flush();
        }
        out.printf("fp32 matmul 1024^3 through DJL: %.1f GFLOP/s%n", matmulGflops());
        out.printf(
                "%nMiniLLM trainer step (objective=minillm, B=8 rollouts, 16 prompt + 112 response"
                        + " tokens, support k=32 per side, no pre-training batch)%n");
        out.printf("%-26s %11s %17s %12s%n", "model", "params", "response_tok/s", "ms/step");
        for (Spec1 s : specs) {
            int steps = Math.max(2, (int) Math.round(s.steps() * scale));
            TrainerRate r = trainerTokensPerSecond(s.cfg().toModelConfig(), steps);
            out.printf(
                    "%-26s %,11d %17.0f %12.1f%n",
                    s.name(), s.cfg().parameterCount(), r.responseTokensPerSecond(), r.msPerStep());
            out.flush();
        }
        out.printf(
                "%nbytes per response token on distill.rollouts (V=50257, 64-token responses, Avro"
                        + " + 5-byte header)%n");
        for (int k : new int[] {8, 32, 128}) {
            out.printf("  support k=%-4d %8.0f bytes/token%n", k, RolloutSize.bytesPerToken(k));
            out.flush();
        }
        Soak soak = soak(specs.get(0).cfg(), soakSteps);
        out.printf(
                "memory soak (%s, B=2, T=32): after %d steps RSS %.1f MiB, after %d steps RSS %.1f"
                        + " MiB; live NDArrays %d -> %d%n",
                specs.get(0).name().trim(),
                soak.warm(),
                soak.rssWarm() / 1024.0,
                soak.warm() + soakSteps,
                soak.rssEnd() / 1024.0,
                soak.arraysWarm(),
                soak.arraysEnd());
        out.flush();
        return 0;
    }

    /** --shape and its options, checked, with errors that name the offending value. */
    private ShapeBench.Settings shapeSettings() {
        BenchShape s;
        try {
            s = BenchShape.of(shape);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--shape: " + e.getMessage());
        }
        Set<String> parts = new LinkedHashSet<>(only == null ? ShapeBench.PARTS : only);
        for (String p : parts) {
            if (!ShapeBench.PARTS.contains(p)) {
                throw new ParameterException(
                        spec.commandLine(),
                        "--only: unknown part '"
                                + p
                                + "'; expected a comma list of "
                                + String.join(", ", ShapeBench.PARTS));
            }
        }
        if (iters < 1 || soak < 1) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--iters and --soak must be >= 1, got " + iters + " and " + soak);
        }
        if (large && !parts.contains("load")) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--large changes only the load part, which --only leaves out");
        }
        return new ShapeBench.Settings(
                s, parts, only != null && only.contains("train"), iters, soak, large);
    }

    static TokenBatch randomBatch(int vocab, int b, int t, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<int[]> seqs = new ArrayList<>();
        for (int r = 0; r < b; r++) {
            seqs.add(rng.ints(t + 1, 0, vocab).toArray());
        }
        return TokenBatch.of(seqs, new int[b]);
    }

    static double trainTokensPerSecond(GptConfig cfg, int b, int t, int steps) {
        TokenBatch batch = randomBatch(cfg.vocabSize(), b, t, 0);
        try (NDManager root = NDManager.newBaseManager();
                CausalLm model = CausalLm.create(cfg, root, 0);
                LmTrainer trainer =
                        new LmTrainer(model, AdamW.Settings.gpt(), LearningRate.constant(3e-4))) {
            trainer.train(step -> batch, 3, l -> {}, null);
            long start = System.nanoTime();
            trainer.train(step -> batch, steps, l -> {}, null);
            return (double) b * t * steps / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** The trainer step's speed: tokens/s and ms over the timed steps, and the last step's loss. */
    record TrainerRate(
            double responseTokensPerSecond, double msPerStep, int steps, double lastLoss) {}

    /**
     * Response tokens/s and ms per optimiser step through StudentTrainer on synthetic, valid
     * rollouts: a warm-up round of {@link #TRAINER_WARMUP_STEPS} steps (allocates the AdamW state),
     * then {@code steps}.
     */
    static TrainerRate trainerTokensPerSecond(ModelConfig cfg, int steps) throws IOException {
        int b = TRAINER_BATCH;
        int warm = TRAINER_WARMUP_STEPS;
        List<Rollout> rollouts =
                SyntheticRollouts.make(
                        cfg.vocabSize(),
                        b * (steps + warm),
                        TRAINER_PROMPT,
                        TRAINER_RESPONSE,
                        TRAINER_K,
                        0);
        StudentTrainer.Config tc =
                new StudentTrainer.Config(
                        ObjectiveConfig.defaults(Objective.MINILLM),
                        1,
                        b,
                        AdamW.Settings.gpt(),
                        LearningRate.constant(1e-4),
                        2,
                        0);
        Path tmp = Files.createTempDirectory("distill-bench");
        try (NDManager root = NDManager.newBaseManager();
                CausalLm model = CausalLm.create(cfg, root, 0);
                StudentTrainer trainer = new StudentTrainer(model, 0, tc)) {
            trainer.trainRound(rollouts.subList(0, warm * b), List.of(), tmp, l -> {});
            // Step time only: the checkpoint written at the end of a round is not part of the step.
            StudentTrainer.Round round =
                    trainer.trainRound(
                            rollouts.subList(warm * b, rollouts.size()), List.of(), tmp, l -> {});
            List<StudentTrainer.StepLog> logs = round.steps();
            long tokens = logs.stream().mapToLong(StudentTrainer.StepLog::tokens).sum();
            double stepSecs = logs.stream().mapToDouble(StudentTrainer.StepLog::seconds).sum();
            return new TrainerRate(
                    tokens / stepSecs,
                    1000 * stepSecs / logs.size(),
                    logs.size(),
                    logs.get(logs.size() - 1).loss());
        } finally {
            try (var walk = Files.walk(tmp)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Median of three runs: 100 batch-1 tokens take well under a second and single runs vary. */
    static double generateTokensPerSecond(GptConfig cfg, int newTokens) {
        try (NDManager root = NDManager.newBaseManager();
                CausalLm model = CausalLm.create(cfg, root, 0)) {
            int[] prompt = new SplittableRandom(1).ints(16, 0, cfg.vocabSize()).toArray();
            Generator.generate(
                    model, List.of(prompt), new SamplingConfig(1.0, 0, 1.0, 0, 8, -1, 0));
            double[] runs = new double[3];
            for (int i = 0; i < runs.length; i++) {
                SamplingConfig sampling = new SamplingConfig(1.0, 0, 1.0, 0, newTokens, -1, i);
                long start = System.nanoTime();
                int produced =
                        Generator.generate(model, List.of(prompt), sampling).get(0).tokens().length;
                runs[i] = produced / ((System.nanoTime() - start) / 1e9);
            }
            java.util.Arrays.sort(runs);
            return runs[1];
        }
    }

    static double matmulGflops() {
        try (NoGrad ignored = new NoGrad();
                NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.randomNormal(new Shape(1024, 1024));
            NDArray b = m.randomNormal(new Shape(1024, 1024));
            a.matMul(b).close();
            long start = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                a.matMul(b).close();
            }
            return 10 * 2.0 * Math.pow(1024, 3) / ((System.nanoTime() - start) / 1e9) / 1e9;
        }
    }

    record Soak(int warm, long rssWarm, long rssEnd, int arraysWarm, int arraysEnd) {}

    static Soak soak(GptConfig cfg, int steps) throws IOException {
        int warm = 100;
        try (NDManager root = NDManager.newBaseManager();
                CausalLm model = CausalLm.create(cfg, root, 0);
                LmTrainer trainer =
                        new LmTrainer(model, AdamW.Settings.gpt(), LearningRate.constant(3e-4))) {
            LmTrainer.BatchSource data = step -> randomBatch(cfg.vocabSize(), 2, 32, step);
            trainer.train(data, warm, l -> {}, null);
            int arraysWarm = root.getParentManager().getManagedArrays().size();
            long rssWarm = rssAfterGc();
            trainer.train(data, steps, l -> {}, null);
            return new Soak(
                    warm,
                    rssWarm,
                    rssAfterGc(),
                    arraysWarm,
                    root.getParentManager().getManagedArrays().size());
        }
    }

    static long rssAfterGc() throws IOException {
        System.gc();
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D+", ""));
            }
        }
        throw new IOException("no VmRSS in /proc/self/status");
    }
}
