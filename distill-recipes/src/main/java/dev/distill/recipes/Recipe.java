package dev.distill.recipes;

import dev.distill.core.model.GptConfig;
import dev.distill.core.train.AdamW;
import dev.distill.core.train.LearningRate;
import java.nio.file.Path;

/**
 * Everything that decides the weights of a supervised (SFT + language-modelling) training run: the
 * model shape, the data files, the optimiser, the batch plan and the seed. Same recipe, same data
 * files, one engine thread: same weights, byte for byte. Read with {@link RecipeJson#read}, which
 * checks every field; the checks that need the data (vocabulary, sequence lengths) are in {@link
 * RecipeData}.
 */
public record Recipe(
        String name,
        String description,
        long seed,
        ModelSpec model,
        DataSpec data,
        OptimizerSpec optimizer,
        TrainingSpec training,
        EvalSpec evaluation) {

    /** The GPT's shape; names follow Hugging Face's config.json. */
    public record ModelSpec(
            int vocabSize, int nPositions, int nEmbd, int nLayer, int nHead, int eosTokenId) {
        public GptConfig config() {
            return new GptConfig(
                    vocabSize, nPositions, nEmbd, nLayer, nHead, null, 1e-5, true, eosTokenId);
        }
    }

    /**
     * Where the data is: {@code suite} is a directory (relative paths are relative to the project
     * root), the other entries are files inside it. {@code corpus} may be null when no step uses
     * it.
     */
    public record DataSpec(
            String suite, String tokenizer, String train, String validation, String corpus) {
        public Path suiteDir(Path home) {
            Path p = Path.of(suite);
            return p.isAbsolute() ? p : home.resolve(p);
        }

        public Path file(Path home, String name) {
            return suiteDir(home).resolve(name);
        }
    }

    /** AdamW with linear warm-up and cosine decay to {@code minLrRatio * lr}. */
    public record OptimizerSpec(
            double lr,
            double beta1,
            double beta2,
            double eps,
            double weightDecay,
            double gradClip,
            int warmupSteps,
            double minLrRatio) {
        public AdamW.Settings settings() {
            return new AdamW.Settings(beta1, beta2, eps, weightDecay, gradClip);
        }

        public LearningRate schedule(int totalSteps) {
            return new LearningRate(lr, warmupSteps, totalSteps, minLrRatio);
        }
    }

    /**
     * The batch plan. {@code corpusFraction} of the optimiser steps train on pre-training corpus
     * windows (loss on every token), the others on instruction items (loss on the response only).
     * Whole steps rather than rows of one batch: an SFT row is ~25 tokens, a corpus window {@code
     * seqLen}, and mixing them in one batch would pad every SFT row to the window length.
     */
    public record TrainingSpec(
            int steps,
            int batchSize,
            int seqLen,
            double corpusFraction,
            int logEvery,
            int checkpointEvery) {}

    /**
     * The held-out check every {@code every} steps (greedy Rouge-L and loss on {@code items}
     * validation items, spread over the task families) and the final evaluation on the whole
     * validation split (greedy, and the paper's protocol over {@code seeds}).
     */
    public record EvalSpec(int every, int items, int maxNewTokens, long[] seeds) {
        public EvalSpec {
            seeds = seeds.clone();
        }

        @Override
        public long[] seeds() {
            return seeds.clone();
        }
    }

    /**
     * The same recipe with another step count (the command line's {@code --steps}), its warm-up
     * scaled in proportion so the schedule keeps its shape: a short pilot of a long recipe still
     * warms up briefly and decays. RECIPE.json records the values used.
     */
    public Recipe withSteps(int steps) {
        TrainingSpec t = training;
        OptimizerSpec o = optimizer;
        int warmup = (int) Math.round((double) o.warmupSteps() * steps / training.steps());
        Recipe r =
                new Recipe(
                        name,
                        description,
                        seed,
                        model,
                        data,
                        new OptimizerSpec(
                                o.lr(),
                                o.beta1(),
                                o.beta2(),
                                o.eps(),
                                o.weightDecay(),
                                o.gradClip(),
                                warmup,
                                o.minLrRatio()),
                        new TrainingSpec(
                                steps,
                                t.batchSize(),
                                t.seqLen(),
                                t.corpusFraction(),
                                t.logEvery(),
                                t.checkpointEvery()),
                        evaluation);
        RecipeJson.validate(r, "--steps");
        return r;
    }
}
