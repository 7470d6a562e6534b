package dev.distill.cli;

import ai.djl.ndarray.NDManager;
import dev.distill.core.checkpoint.CheckpointManifest;
import dev.distill.core.checkpoint.Checkpoints;
import dev.distill.core.generation.Generator;
import dev.distill.core.generation.SamplingConfig;
import dev.distill.core.model.CausalLm;
import dev.distill.core.model.GptConfig;
import dev.distill.core.tokenizer.HfTokenizer;
import dev.distill.core.tokenizer.Tokenizers;
import dev.distill.core.train.AdamW;
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
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * The model-core demo (the streaming demo replaces it once the platform runs): trains a small GPT on
 * a word-level "count from a to b" task with its own tokenizer.json, writes a checkpoint, reloads it
 * and generates with the KV cache on held-out prompts, reporting exact match.
 */
@Command(name = "core-demo", mixinStandardHelpOptions = true,
        description = "Trains a small GPT from scratch on a toy task, checkpoints, reloads and generates.")
final class CoreDemoCommand implements Callable<Integer> {
    static final int MAX_NUMBER = 40;

    @Spec
    CommandSpec spec;

    @Option(names = "--steps", defaultValue = "600", description = "training steps; default: ${DEFAULT-VALUE}")
    int steps;

    @Option(names = "--out", description = "run directory (default: runs/demo-<time>)")
    Path out;

    @Option(names = "--seed", defaultValue = "1") long seed;

    @Override
    public Integer call() throws IOException {
        PrintWriter o = spec.commandLine().getOut();
        Path run = out != null ? out
                : Path.of("runs", "demo-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(run);
        Path tokenizerFile = run.resolve(Tokenizers.FILE);
        Files.writeString(tokenizerFile, tokenizerJson());
        try (HfTokenizer tok = HfTokenizer.load(tokenizerFile);
             NDManager root = NDManager.newBaseManager()) {
            int eos = tok.eosId().orElseThrow();
            GptConfig cfg = new GptConfig(tok.vocabSize(), 64, 64, 2, 4, null, 1e-5, true, eos);
            o.printf("demo: GPT with %,d parameters, vocabulary %d, task 'count from a to b :'%n", cfg.parameterCount(),
                    tok.vocabSize());
            Path ckpt = run.resolve("model");
            try (CausalLm model = CausalLm.create(cfg, root, seed);
                 LmTrainer trainer = new LmTrainer(model, AdamW.Settings.gpt(), new LearningRate(3e-3, 30, steps, 0.1))) {
                long t0 = System.nanoTime();
                trainer.train(step -> batch(tok, new SplittableRandom(seed * 7919 + step), 16), steps, l -> {
                    if (l.step() == 1 || l.step() % 50 == 0) {
                        o.printf("  step %4d  loss %.4f  grad-norm %.3f  lr %.5f%n", l.step(), l.loss(), l.gradNorm(), l.lr());
                        o.flush();
                    }
                }, null);
                double secs = (System.nanoTime() - t0) / 1e9;
                CheckpointManifest m = trainer.save(ckpt, steps, seed);
                Files.copy(tokenizerFile, ckpt.resolve(Tokenizers.FILE));
                o.printf("trained %d steps in %.1f s; checkpoint %s (sha256 %s)%n", steps, secs, ckpt, m.weightsSha256());
            }
            try (Checkpoints.Loaded loaded = Checkpoints.load(ckpt, root)) {
                SplittableRandom heldOut = new SplittableRandom(seed + 1_000_003);
                List<int[]> prompts = new ArrayList<>();
                List<String> expected = new ArrayList<>();
                while (prompts.size() < 32) {
                    int a = heldOut.nextInt(MAX_NUMBER - 10);
                    int b = a + 1 + heldOut.nextInt(8);
                    if (!heldOut(a, b)) {
                        continue;
                    }
                    prompts.add(tok.encode(prompt(a, b)));
                    expected.add(answer(a, b));
                }
                long t0 = System.nanoTime();
                var gens = Generator.generate(loaded.model(), prompts, SamplingConfig.greedy(12, eos));
                double secs = (System.nanoTime() - t0) / 1e9;
                int exact = 0;
                int tokens = 0;
                for (int i = 0; i < gens.size(); i++) {
                    String got = tok.decode(gens.get(i).tokens());
                    tokens += gens.get(i).tokens().length;
                    exact += got.equals(expected.get(i)) ? 1 : 0;
                    if (i < 4) {
                        o.printf("  %-22s -> %s%n", tok.decode(prompts.get(i)), got);
                    }
                }
                o.printf("held-out exact match: %d/%d (greedy, batched KV-cache decoding, %.0f tokens/s)%n", exact,
                        gens.size(), tokens / secs);
                o.printf("try: ./distill generate --model %s --prompt \"count from 7 to 12 :\" --temperature 0 --max-new-tokens 12%n", ckpt);
            }
        }
        o.flush();
        return 0;
    }

    /** Ranges never trained on, so exact match measures generalisation rather than recall. */
    static boolean heldOut(int a, int b) {
        return (a * 31 + b) % 7 == 0;
    }

    static String prompt(int a, int b) {
        return "count from " + a + " to " + b + " :";
    }

    static String answer(int a, int b) {
        StringBuilder s = new StringBuilder();
        for (int i = a; i <= b; i++) {
            s.append(i == a ? "" : " ").append(i);
        }
        return s.toString();
    }

    static TokenBatch batch(HfTokenizer tok, SplittableRandom rng, int rows) {
        List<int[]> seqs = new ArrayList<>();
        int[] lossStart = new int[rows];
        for (int r = 0; r < rows; r++) {
            int a;
            int b;
            do {
                a = rng.nextInt(MAX_NUMBER - 10);
                b = a + 1 + rng.nextInt(8);
            } while (heldOut(a, b));
            int[] p = tok.encode(prompt(a, b));
            int[] ans = tok.encode(answer(a, b));
            int[] seq = new int[p.length + ans.length + 1];
            System.arraycopy(p, 0, seq, 0, p.length);
            System.arraycopy(ans, 0, seq, p.length, ans.length);
            seq[seq.length - 1] = tok.eosId().orElseThrow();
            seqs.add(seq);
            lossStart[r] = p.length; // supervised fine-tuning: train on the answer and its end only
        }
        return TokenBatch.of(seqs, lossStart);
    }

    /** A word-level Hugging Face tokenizer for the task: the same file format users bring. */
    static String tokenizerJson() {
        StringBuilder vocab = new StringBuilder("\"[UNK]\": 0, \"count\": 1, \"from\": 2, \"to\": 3, \":\": 4");
        for (int i = 0; i < MAX_NUMBER; i++) {
            vocab.append(", \"").append(i).append("\": ").append(5 + i);
        }
        int eos = 5 + MAX_NUMBER;
        return "{\"version\": \"1.0\", \"truncation\": null, \"padding\": null,\n"
                + " \"added_tokens\": [{\"id\": " + eos + ", \"content\": \"<|endoftext|>\", \"single_word\": false,"
                + " \"lstrip\": false, \"rstrip\": false, \"normalized\": false, \"special\": true}],\n"
                + " \"normalizer\": null, \"pre_tokenizer\": {\"type\": \"WhitespaceSplit\"}, \"post_processor\": null,\n"
                + " \"decoder\": {\"type\": \"WordPiece\", \"prefix\": \"##\", \"cleanup\": false},\n"
                + " \"model\": {\"type\": \"WordLevel\", \"vocab\": {" + vocab + "}, \"unk_token\": \"[UNK]\"}}\n";
    }
}
