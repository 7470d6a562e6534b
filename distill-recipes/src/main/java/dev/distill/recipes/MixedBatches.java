package dev.distill.recipes;

import dev.distill.core.train.TokenBatch;
import java.util.List;

/**
 * The batch of every optimiser step of a recipe: instruction items or corpus windows, per {@link
 * StepMix}.
 */
public final class MixedBatches {
    public enum Kind {
        SFT,
        CORPUS
    }

    /** A step's batch, its kind and its real (unpadded) token count, for tokens/s. */
    public record Batch(Kind kind, TokenBatch tokens, long realTokens) {}

    private final StepMix mix;
    private final SftBatches sft;
    private final CorpusBatches corpus;

    public MixedBatches(
            List<SftExample> items,
            List<int[]> windows,
            int batchSize,
            double corpusFraction,
            long seed) {
        this.mix = new StepMix(corpusFraction);
        this.sft = new SftBatches(items, batchSize, seed);
        this.corpus = corpusFraction > 0 ? new CorpusBatches(windows, batchSize, seed) : null;
    }

    public static MixedBatches of(Recipe recipe, RecipeData data) {
        return new MixedBatches(
                data.train(),
                data.corpus(),
                recipe.training().batchSize(),
                recipe.training().corpusFraction(),
                recipe.seed());
    }

    /** The batch of 1-based optimiser step {@code step}. */
    public Batch batch(long step) {
        if (mix.isCorpusStep(step)) {
            return withCount(Kind.CORPUS, corpus.batch(mix.corpusStepsThrough(step) - 1));
        }
        return withCount(Kind.SFT, sft.batch(mix.sftStepsThrough(step) - 1));
    }

    /** Passes over the instruction items after {@code steps} steps. */
    public double sftEpochs(long steps) {
        return (double) mix.sftStepsThrough(steps) / sft.batchesPerEpoch();
    }

    /** Passes over the corpus windows after {@code steps} steps. */
    public double corpusEpochs(long steps) {
        return corpus == null
                ? 0
                : (double) mix.corpusStepsThrough(steps) / corpus.batchesPerEpoch();
    }

    private static Batch withCount(Kind kind, TokenBatch b) {
        long real = 0;
        for (int r = 0; r < b.rows(); r++) {
            // Every row ends with trained tokens (a response or a corpus window), so its last
            // trained target is its last real token; what follows is padding.
            real += realLength(b, r);
        }
        return new Batch(kind, b, real);
    }

    private static int realLength(TokenBatch b, int r) {
        int t = b.length();
        for (int i = t - 1; i > 0; i--) {
            if (b.mask()[r * (t - 1) + i - 1] > 0) {
                return i + 1;
            }
        }
        return 1;
    }
}
