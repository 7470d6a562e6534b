package dev.distill.recipes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distill.core.metrics.Evaluation;
import dev.distill.core.model.ModelConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * TRAINING.json and TRAINING.md beside a trained checkpoint: what was run (recipe hash, data
 * hashes, seed), how far (steps, epochs, tokens, time), what came out (weights SHA-256) and how
 * good it is on the validation split, greedy and under the paper's sampling protocol.
 */
public record TrainingSummary(
        Recipe recipe,
        String recipeSha256,
        boolean complete,
        String stopReason,
        long steps,
        double sftEpochs,
        double corpusEpochs,
        RunState state,
        ModelConfig config,
        String weightsSha256,
        Map<String, String> dataSha256,
        HeldOutCheck.Result greedy,
        Evaluation.Result paper) {

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public double tokensPerSecond() {
        return state.trainSeconds() > 0 ? state.tokens() / state.trainSeconds() : 0;
    }

    public ObjectNode toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("recipe", recipe.name());
        n.put("recipe_sha256", recipeSha256);
        n.put("seed", recipe.seed());
        n.put("complete", complete);
        n.put("stopped_because", stopReason);
        n.put("steps", steps);
        n.put("steps_planned", recipe.training().steps());
        n.put("sft_epochs", round(sftEpochs, 3));
        n.put("corpus_epochs", round(corpusEpochs, 3));
        n.put("tokens", state.tokens());
        n.put("trained_tokens", state.trainedTokens());
        n.put("train_seconds", round(state.trainSeconds(), 1));
        n.put("wall_seconds", round(state.wallSeconds(), 1));
        n.put("sessions", state.sessions());
        n.put("train_tokens_per_second", round(tokensPerSecond(), 0));
        n.put("engine_threads", System.getProperty("ai.djl.pytorch.num_threads", "default"));
        n.put("parameters", config.parameterCount());
        n.put("weights_sha256", weightsSha256);
        ObjectNode data = n.putObject("data_sha256");
        dataSha256.forEach(data::put);
        ObjectNode v = n.putObject("validation");
        v.put("items", greedy.items());
        v.put("rouge_l_greedy", round(greedy.rougeL(), 2));
        v.put("loss", round(greedy.loss(), 4));
        ObjectNode fam = v.putObject("rouge_l_greedy_by_family");
        greedy.rougeLByFamily().forEach((k, x) -> fam.put(k, round(x, 2)));
        ObjectNode p = v.putObject("paper_protocol");
        p.put("sampling", "temperature 1, no-repeat-ngram 6");
        ArrayNode seeds = p.putArray("seeds");
        for (long s : paper.seeds()) {
            seeds.add(s);
        }
        p.put("rouge_l", round(paper.rougeL(), 2));
        p.put("rouge_l_std_over_seeds", round(paper.rougeLStd(), 2));
        p.put("exact_match", round(paper.exactMatch(), 4));
        p.put("mean_length", round(paper.meanLength(), 2));
        p.put("distinct_4", round(paper.distinct4(), 4));
        p.put("token_ece", round(paper.tokenCalibration().ece(), 4));
        if (paper.optionCalibration() != null && paper.optionCalibration().count() > 0) {
            p.put("answer_option_ece", round(paper.optionCalibration().ece(), 4));
        }
        n.set("held_out_checks", state.toJson().get("held_out_checks"));
        n.set("recipe_as_run", RecipeJson.toJson(recipe));
        return n;
    }

    public String toMarkdown() {
        StringBuilder s = new StringBuilder();
        s.append("# ").append(recipe.name()).append(": training summary\n\n");
        if (!recipe.description().isBlank()) {
            s.append(recipe.description()).append("\n\n");
        }
        s.append(
                        complete
                                ? "Complete."
                                : "**Incomplete** ("
                                        + stopReason
                                        + "): resume by running the same command again.")
                .append("\n\n");
        s.append("| | |\n|---|---|\n");
        row(
                s,
                "model",
                String.format(
                        Locale.ROOT,
                        "GPT n_embd %d, n_layer %d, n_head %d, n_positions %d, vocab %d: %,d"
                                + " parameters",
                        config.hidden(),
                        config.nLayer(),
                        config.nHead(),
                        config.nPositions(),
                        config.vocabSize(),
                        config.parameterCount()));
        row(
                s,
                "steps",
                String.format(
                        Locale.ROOT,
                        "%,d of %,d (batch %d); %.2f epochs of the instruction items, %.2f of the"
                                + " corpus",
                        steps,
                        recipe.training().steps(),
                        recipe.training().batchSize(),
                        sftEpochs,
                        corpusEpochs));
        row(
                s,
                "tokens",
                String.format(
                        Locale.ROOT,
                        "%,d fed, %,d trained",
                        state.tokens(),
                        state.trainedTokens()));
        row(
                s,
                "time",
                String.format(
                        Locale.ROOT,
                        "%s training (%,.0f tokens/s, %s engine thread(s)), %s wall in %d"
                                + " session(s)",
                        ProgressMeter.clock(state.trainSeconds()),
                        tokensPerSecond(),
                        System.getProperty("ai.djl.pytorch.num_threads", "default"),
                        ProgressMeter.clock(state.wallSeconds()),
                        state.sessions()));
        row(s, "seed", String.valueOf(recipe.seed()));
        row(
                s,
                "recipe SHA-256",
                "`"
                        + recipeSha256
                        + "` (fields that decide the weights; RECIPE.json is the recipe as run)");
        row(s, "weights SHA-256", "`" + weightsSha256 + "`");
        dataSha256.forEach((k, x) -> row(s, "data " + k, "`" + x + "`"));
        s.append("\n## Validation (").append(greedy.items()).append(" items)\n\n");
        s.append(
                String.format(
                        Locale.ROOT,
                        "- greedy Rouge-L: **%.2f**, response loss %.4f%n",
                        greedy.rougeL(),
                        greedy.loss()));
        s.append(
                String.format(
                        Locale.ROOT,
                        "- paper protocol (temperature 1, no-repeat-ngram 6, seeds %s): Rouge-L"
                            + " **%.2f** ± %.2f, exact match %.1f%%, mean length %.1f words, token"
                            + " ECE %.3f%n",
                        java.util.Arrays.toString(paper.seeds()),
                        paper.rougeL(),
                        paper.rougeLStd(),
                        100 * paper.exactMatch(),
                        paper.meanLength(),
                        paper.tokenCalibration().ece()));
        s.append("\n| family | greedy Rouge-L |\n|---|---|\n");
        greedy.rougeLByFamily()
                .forEach((k, x) -> s.append(String.format(Locale.ROOT, "| %s | %.1f |%n", k, x)));
        if (!state.checks().isEmpty()) {
            s.append(
                    "\n"
                            + "## Held-out checks during training\n\n"
                            + "| step | train loss | held-out loss | greedy Rouge-L |\n"
                            + "|---|---|---|---|\n");
            for (RunState.Point p : state.checks()) {
                s.append(
                        String.format(
                                Locale.ROOT,
                                "| %d | %.4f | %.4f | %.2f |%n",
                                p.step(),
                                p.trainLoss(),
                                p.heldOutLoss(),
                                p.heldOutRougeL()));
            }
        }
        s.append(
                "\n"
                    + "Reproduce: run the same command with this RECIPE.json on the same data files"
                    + " (SHA-256 above) and one engine thread; the weights SHA-256 must match.\n");
        return s.toString();
    }

    public void write(Path dir) throws IOException {
        Files.writeString(dir.resolve("TRAINING.md"), toMarkdown());
        Files.writeString(
                dir.resolve(RunDirectory.SUMMARY), JSON.writeValueAsString(toJson()) + "\n");
    }

    private static void row(StringBuilder s, String k, String v) {
        s.append("| ").append(k).append(" | ").append(v).append(" |\n");
    }

    private static double round(double x, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(x * f) / f;
    }
}
