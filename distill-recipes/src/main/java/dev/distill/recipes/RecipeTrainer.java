package dev.distill.recipes;

import ai.djl.ndarray.NDManager;
import dev.distill.core.checkpoint.CheckpointManifest;
import dev.distill.core.checkpoint.Checkpoints;
import dev.distill.core.data.TaskItem;
import dev.distill.core.metrics.Evaluation;
import dev.distill.core.model.CausalLm;
import dev.distill.core.model.GptConfig;
import dev.distill.core.tokenizer.Tokenizers;
import dev.distill.core.train.LmTrainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * Runs a recipe: supervised fine-tuning on instruction items mixed with language modelling on a
 * corpus, with progress lines, periodic held-out checks, periodic progress checkpoints (resumed
 * automatically), an optional time budget, and at the end the checkpoint directory with its
 * tokenizer, RECIPE.json and TRAINING.json/.md. Deterministic on one engine thread: the batch of
 * every step, the initial weights and the optimiser are functions of the recipe alone, so an
 * interrupted and resumed run ends with the same weights as an uninterrupted one.
 */
public final class RecipeTrainer {

    /**
     * @param home project root; relative data paths in the recipe are resolved against it
     * @param source how to name the recipe in errors (its file)
     * @param minutes stop this session after this much training time (null = no budget); the run
     *     stays resumable
     * @param afterStep called after every optimiser step (tests use it to simulate a crash)
     */
    public record Options(
            Path out,
            Path home,
            String source,
            Double minutes,
            PrintWriter log,
            LongConsumer afterStep) {
        public Options {
            if (minutes != null && !(minutes > 0)) {
                throw new IllegalArgumentException("--minutes must be positive, got " + minutes);
            }
        }

        public Options(Path out, Path home, String source, Double minutes, PrintWriter log) {
            this(out, home, source, minutes, log, s -> {});
        }
    }

    private RecipeTrainer() {}

    public static TrainingSummary run(Recipe recipe, Options opt) throws IOException {
        long sessionStart = System.nanoTime();
        PrintWriter log = opt.log();
        RunDirectory dir = RunDirectory.open(opt.out());
        String hash = RecipeJson.sha256(recipe);
        GptConfig config = recipe.model().config();
        try (RecipeData data = RecipeData.load(recipe, opt.source(), opt.home());
                NDManager root = NDManager.newBaseManager()) {
            RecipeData.Stats st = data.stats();
            log.printf(
                    Locale.ROOT,
                    "%s: GPT n_embd %d n_layer %d n_head %d, %,d parameters; %,d train items"
                        + " (prompt <= %d, response <= %d tokens, mean sequence %.1f), %,d corpus"
                        + " windows (%,d tokens), %,d validation items%n",
                    recipe.name(),
                    config.nEmbd(),
                    config.nLayer(),
                    config.nHead(),
                    config.parameterCount(),
                    st.trainItems(),
                    st.maxPrompt(),
                    st.maxResponse(),
                    st.meanSequence(),
                    st.corpusWindows(),
                    st.corpusTokens(),
                    st.validationItems());
            Optional<Path> resume = dir.latestProgress();
            RunState state = RunState.fresh();
            CausalLm model;
            CheckpointManifest resumedFrom = null;
            if (resume.isPresent()) {
                Checkpoints.Loaded loaded = Checkpoints.load(resume.get(), root);
                model = loaded.model();
                resumedFrom = loaded.manifest().orElseThrow();
                if (!hash.equals(resumedFrom.configHash())
                        || !config.toModelConfig().equals(model.config())) {
                    model.close();
                    throw new IOException(
                            resume.get()
                                    + " was trained under a different recipe (recipe SHA-256 "
                                    + resumedFrom.configHash()
                                    + ", this one "
                                    + hash
                                    + "); resume with the recipe and --steps that "
                                    + "started it, or choose another --out");
                }
                state = RunState.fromJson(resumedFrom.lineage(), resume.get().toString()).resumed();
            } else {
                model = CausalLm.create(config, root, recipe.seed());
            }
            try (CausalLm m = model;
                    LmTrainer trainer =
                            new LmTrainer(
                                    m,
                                    recipe.optimizer().settings(),
                                    recipe.optimizer().schedule(recipe.training().steps()))) {
                if (resumedFrom != null) {
                    trainer.optimizer()
                            .load(Checkpoints.readOptimizerState(resume.get(), resumedFrom));
                    log.printf(
                            Locale.ROOT,
                            "resuming from %s (step %d of %d)%n",
                            resume.get(),
                            trainer.optimizer().steps(),
                            recipe.training().steps());
                }
                Session s =
                        new Session(recipe, hash, data, m, trainer, dir, opt, state, sessionStart);
                return s.run();
            }
        } finally {
            log.flush();
        }
    }

    /** One session of a run: from where the directory left off to the end or the time budget. */
    private static final class Session {
        private final Recipe recipe;
        private final String hash;
        private final RecipeData data;
        private final CausalLm model;
        private final LmTrainer trainer;
        private final RunDirectory dir;
        private final Options opt;
        private final long sessionStart;
        private final double wallBefore;
        private final List<TaskItem> checkItems;
        private RunState state;

        Session(
                Recipe recipe,
                String hash,
                RecipeData data,
                CausalLm model,
                LmTrainer trainer,
                RunDirectory dir,
                Options opt,
                RunState state,
                long sessionStart) {
            this.recipe = recipe;
            this.hash = hash;
            this.data = data;
            this.model = model;
            this.trainer = trainer;
            this.dir = dir;
            this.opt = opt;
            this.state = state;
            this.sessionStart = sessionStart;
            this.wallBefore = state.wallSeconds();
            this.checkItems = HeldOutCheck.spread(data.validation(), recipe.evaluation().items());
        }

        TrainingSummary run() throws IOException {
            PrintWriter log = opt.log();
            Recipe.TrainingSpec t = recipe.training();
            MixedBatches batches = MixedBatches.of(recipe, data);
            long first = trainer.optimizer().steps() + 1;
            ProgressMeter meter = new ProgressMeter(first, t.steps());
            long budgetNanos =
                    opt.minutes() == null ? Long.MAX_VALUE : (long) (opt.minutes() * 60e9);
            long trainingStart = System.nanoTime();
            long step = first - 1;
            String stop = "finished";
            while (step < t.steps()) {
                step++;
                long t0 = System.nanoTime();
                MixedBatches.Batch b = batches.batch(step);
                LmTrainer.StepLog l = trainer.train(s -> b.tokens(), 1, x -> {}, null);
                double secs = (System.nanoTime() - t0) / 1e9;
                state = state.plusStep(b.realTokens(), l.tokens(), secs);
                meter.add(b.kind(), l.loss(), b.realTokens(), secs);
                opt.afterStep().accept(step);
                if (step == 1 || step % t.logEvery() == 0 || step == t.steps()) {
                    log.println(meter.line(step, l.lr()));
                    log.flush();
                }
                if (step % recipe.evaluation().every() == 0 || step == t.steps()) {
                    check(step, meter.lossSinceLastCheck());
                }
                if (step % t.checkpointEvery() == 0) {
                    saveProgress(step);
                }
                if (System.nanoTime() - trainingStart > budgetNanos && step < t.steps()) {
                    stop =
                            String.format(
                                    Locale.ROOT,
                                    "time budget of %.1f minutes spent at step %d",
                                    opt.minutes(),
                                    step);
                    log.println("stopping: " + stop);
                    break;
                }
            }
            // Also after the last step of the session: a budget stop resumes from here, and a crash
            // during the final evaluation resumes straight into it.
            saveProgress(step);
            return finish(step, step >= t.steps(), stop, batches);
        }

        private void check(long step, double trainLoss) {
            HeldOutCheck.Result r =
                    HeldOutCheck.run(
                            model,
                            data.tokenizer(),
                            checkItems,
                            recipe.evaluation().maxNewTokens());
            state = state.plusCheck(new RunState.Point(step, trainLoss, r.loss(), r.rougeL()));
            opt.log()
                    .printf(
                            Locale.ROOT,
                            "held-out check at step %d: greedy Rouge-L %.2f on %d validation items,"
                                    + " loss %.4f (train %.4f) [%.1f s]%n",
                            step,
                            r.rougeL(),
                            r.items(),
                            r.loss(),
                            trainLoss,
                            r.seconds());
            opt.log().flush();
        }

        private double wall() {
            return wallBefore + (System.nanoTime() - sessionStart) / 1e9;
        }

        private void saveProgress(long step) throws IOException {
            Path p = dir.progressDir(step);
            if (Files.exists(p)) {
                return; // saved already, or resumed at this very step: nothing new to save
            }
            state = state.withWallSeconds(wall());
            Checkpoints.save(
                    model,
                    trainer.optimizer().state(),
                    CheckpointManifest.of(step, null, step, recipe.seed(), hash, state.toJson()),
                    p);
            dir.pruneProgressBefore(step);
        }

        private TrainingSummary finish(
                long step, boolean complete, String stop, MixedBatches batches) throws IOException {
            PrintWriter log = opt.log();
            log.printf(
                    Locale.ROOT,
                    "final evaluation on the %d validation items (greedy, then %d seeds at"
                            + " temperature 1)...%n",
                    data.validation().size(),
                    recipe.evaluation().seeds().length);
            log.flush();
            HeldOutCheck.Result greedy =
                    HeldOutCheck.run(
                            model,
                            data.tokenizer(),
                            data.validation(),
                            recipe.evaluation().maxNewTokens());
            Evaluation.Result paper =
                    Evaluation.run(
                            model,
                            data.tokenizer(),
                            data.validation().stream().map(TaskItem::item).toList(),
                            new Evaluation.Protocol(
                                    recipe.evaluation().maxNewTokens(),
                                    recipe.evaluation().seeds(),
                                    HeldOutCheck.BATCH,
                                    0),
                            null);
            Path staged = dir.staging();
            RecipeLineage lineage = new RecipeLineage(recipe, hash, data.sha256());
            CheckpointManifest written =
                    Checkpoints.save(
                            model,
                            null,
                            CheckpointManifest.of(
                                    0, null, step, recipe.seed(), hash, lineage.toJson()),
                            staged);
            Files.copy(data.tokenizerFile(), staged.resolve(Tokenizers.FILE));
            RecipeJson.write(recipe, staged.resolve("RECIPE.json"));
            state = state.withWallSeconds(wall());
            TrainingSummary summary =
                    new TrainingSummary(
                            recipe,
                            hash,
                            complete,
                            stop,
                            step,
                            batches.sftEpochs(step),
                            batches.corpusEpochs(step),
                            state,
                            model.config(),
                            written.weightsSha256(),
                            data.sha256(),
                            greedy,
                            paper);
            summary.write(staged);
            dir.publish(staged, complete);
            log.printf(
                    Locale.ROOT,
                    "validation: greedy Rouge-L %.2f, paper protocol Rouge-L %.2f ± %.2f (%d"
                            + " seeds), loss %.4f%n",
                    greedy.rougeL(),
                    paper.rougeL(),
                    paper.rougeLStd(),
                    paper.seeds().length,
                    greedy.loss());
            log.printf(
                    Locale.ROOT,
                    "%s %s: step %d, %,d tokens in %s (%,.0f tokens/s), weights sha256 %s%n",
                    complete ? "wrote" : "wrote (incomplete, resumable)",
                    dir.path(),
                    step,
                    state.tokens(),
                    ProgressMeter.clock(state.trainSeconds()),
                    summary.tokensPerSecond(),
                    written.weightsSha256());
            return summary;
        }
    }
}
