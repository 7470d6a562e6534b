package dev.distill.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.distill.core.generation.Generator;
import dev.distill.core.generation.SamplingConfig;
import dev.distill.core.model.CausalLm;
import dev.distill.core.model.GptConfig;
import dev.distill.core.model.NoGrad;
import dev.distill.core.data.Rollout;
import dev.distill.core.objective.Objective;
import dev.distill.core.objective.ObjectiveConfig;
import dev.distill.core.train.AdamW;
import dev.distill.core.train.StudentTrainer;
import dev.distill.core.train.LearningRate;
import dev.distill.core.train.LmTrainer;
import dev.distill.core.train.TokenBatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * Model-core throughput on this machine, with the same models, batch and steps as
 * {@code shared/bench/torch_gpt_peer.py} so the two tables can be compared line by line.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measures training and KV-cache generation tokens/s, fp32 matmul GFLOP/s and memory over a soak.")
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--scale", defaultValue = "1.0", description = "multiplies step counts (use 0.2 for a quick look)")
    double scale;

    @Option(names = "--soak-steps", defaultValue = "1000", description = "training steps of the memory soak")
    int soakSteps;

    @Option(names = "--large-vocab", description = "also run the GPT-2-vocabulary model (V=50257)")
    boolean largeVocab;

    record Spec1(String name, GptConfig cfg, int steps) {}

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        List<Spec1> specs = new ArrayList<>();
        specs.add(new Spec1("gpt-1M  V1024 C128 H4 L4", GptConfig.of(1024, 256, 128, 4, 4), 20));
        specs.add(new Spec1("gpt-10M V2048 C384 H6 L5", GptConfig.of(2048, 256, 384, 5, 6), 8));
        if (largeVocab) {
            specs.add(new Spec1("gpt-7M  V50257 C128 H4 L4", GptConfig.of(50257, 256, 128, 4, 4), 6));
        }
        out.printf("threads=%s  (B=8, T=128 training; B=1, 16-token prompt, 100 new tokens generation)%n",
                System.getProperty("ai.djl.pytorch.num_threads", "default"));
        out.printf("%-26s %11s %13s %15s%n", "model", "params", "train_tok/s", "gen_kv_tok/s");
        for (Spec1 s : specs) {
            int steps = Math.max(2, (int) Math.round(s.steps() * scale));
            double train = trainTokensPerSecond(s.cfg(), 8, 128, steps);
            double gen = generateTokensPerSecond(s.cfg(), 100);
            out.printf("%-26s %,11d %13.0f %15.0f%n", s.name(), s.cfg().parameterCount(), train, gen);
            out.flush();
        }
        out.printf("fp32 matmul 1024^3 through DJL: %.1f GFLOP/s%n", matmulGflops());
        out.printf("%nMiniLLM trainer step (objective=minillm, B=8 rollouts, 16 prompt + 112 response tokens, "
                + "support k=32 per side, no pre-training batch)%n");
        out.printf("%-26s %11s %17s %12s%n", "model", "params", "response_tok/s", "ms/step");
        for (Spec1 s : specs) {
            int steps = Math.max(2, (int) Math.round(s.steps() * scale));
            double[] r = trainerTokensPerSecond(s.cfg(), steps);
            out.printf("%-26s %,11d %17.0f %12.1f%n", s.name(), s.cfg().parameterCount(), r[0], r[1]);
            out.flush();
        }
        out.printf("%nbytes per response token on distill.rollouts (V=50257, 64-token responses, Avro + 5-byte header)%n");
        for (int k : new int[] {8, 32, 128}) {
            out.printf("  support k=%-4d %8.0f bytes/token%n", k, RolloutSize.bytesPerToken(k));
            out.flush();
        }
        Soak soak = soak(specs.get(0).cfg(), soakSteps);
        out.printf("memory soak (%s, B=2, T=32): after %d steps RSS %.1f MiB, after %d steps RSS %.1f MiB; "
                        + "live NDArrays %d -> %d%n", specs.get(0).name().trim(), soak.warm(), soak.rssWarm() / 1024.0,
                soak.warm() + soakSteps, soak.rssEnd() / 1024.0, soak.arraysWarm(), soak.arraysEnd());
        out.flush();
        return 0;
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
             LmTrainer trainer = new LmTrainer(model, AdamW.Settings.gpt(), LearningRate.constant(3e-4))) {
            trainer.train(step -> batch, 3, l -> { }, null);
            long start = System.nanoTime();
            trainer.train(step -> batch, steps, l -> { }, null);
            return (double) b * t * steps / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** Response tokens/s and ms per optimiser step through StudentTrainer on synthetic, valid rollouts. */
    static double[] trainerTokensPerSecond(GptConfig cfg, int steps) throws IOException {
        int b = 8;
        List<Rollout> rollouts = SyntheticRollouts.make(cfg.vocabSize(), b * (steps + 2), 16, 112, 32, 0);
        StudentTrainer.Config tc = new StudentTrainer.Config(ObjectiveConfig.defaults(Objective.MINILLM), 1, b,
                AdamW.Settings.gpt(), LearningRate.constant(1e-4), 2, 0);
        Path tmp = Files.createTempDirectory("distill-bench");
        try (NDManager root = NDManager.newBaseManager();
             CausalLm model = CausalLm.create(cfg, root, 0);
             StudentTrainer trainer = new StudentTrainer(model, 0, tc)) {
            trainer.trainRound(rollouts.subList(0, 2 * b), List.of(), tmp, l -> { });
            // Step time only: the checkpoint written at the end of a round is not part of the step.
            StudentTrainer.Round round = trainer.trainRound(rollouts.subList(2 * b, rollouts.size()), List.of(), tmp, l -> { });
            long tokens = round.steps().stream().mapToLong(StudentTrainer.StepLog::tokens).sum();
            double stepSecs = round.steps().stream().mapToDouble(StudentTrainer.StepLog::seconds).sum();
            return new double[] {tokens / stepSecs, 1000 * stepSecs / round.steps().size()};
        } finally {
            try (var walk = Files.walk(tmp)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Median of three runs: 100 batch-1 tokens take well under a second and single runs vary. */
    static double generateTokensPerSecond(GptConfig cfg, int newTokens) {
        try (NDManager root = NDManager.newBaseManager(); CausalLm model = CausalLm.create(cfg, root, 0)) {
            int[] prompt = new SplittableRandom(1).ints(16, 0, cfg.vocabSize()).toArray();
            Generator.generate(model, List.of(prompt), new SamplingConfig(1.0, 0, 1.0, 0, 8, -1, 0));
            double[] runs = new double[3];
            for (int i = 0; i < runs.length; i++) {
                SamplingConfig sampling = new SamplingConfig(1.0, 0, 1.0, 0, newTokens, -1, i);
                long start = System.nanoTime();
                int produced = Generator.generate(model, List.of(prompt), sampling).get(0).tokens().length;
                runs[i] = produced / ((System.nanoTime() - start) / 1e9);
            }
            java.util.Arrays.sort(runs);
            return runs[1];
        }
    }

    static double matmulGflops() {
        try (NoGrad ignored = new NoGrad(); NDManager m = NDManager.newBaseManager()) {
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
             LmTrainer trainer = new LmTrainer(model, AdamW.Settings.gpt(), LearningRate.constant(3e-4))) {
            LmTrainer.BatchSource data = step -> randomBatch(cfg.vocabSize(), 2, 32, step);
            trainer.train(data, warm, l -> { }, null);
            int arraysWarm = root.getParentManager().getManagedArrays().size();
            long rssWarm = rssAfterGc();
            trainer.train(data, steps, l -> { }, null);
            return new Soak(warm, rssWarm, rssAfterGc(), arraysWarm, root.getParentManager().getManagedArrays().size());
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
