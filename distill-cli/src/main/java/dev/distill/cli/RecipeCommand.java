package dev.distill.cli;

import dev.distill.recipes.Recipe;
import dev.distill.recipes.RecipeJson;
import dev.distill.recipes.RecipeTrainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What {@code train-teacher} and {@code init-student} share: both run a training recipe; they
 * differ only in the recipe and output they default to. Defaults live under the project root (where
 * ./distill is), so the commands work from any directory; paths given on the command line are
 * relative to the current one.
 */
abstract class RecipeCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
            names = "--recipe",
            description =
                    "recipe JSON (default: models/<name>.recipe.json under " + "the project root)")
    Path recipe;

    @Option(
            names = "--out",
            description =
                    "run and checkpoint directory; an unfinished run there is resumed "
                            + "(default: models/<name> under the project root)")
    Path out;

    @Option(
            names = "--steps",
            description = "override the recipe's training.steps (recorded in RECIPE.json)")
    Integer steps;

    @Option(
            names = "--minutes",
            description =
                    "stop after this much training time and write a resumable, "
                            + "incomplete checkpoint; running the command again continues")
    Double minutes;

    /** The recipe file name under models/, without ".recipe.json". */
    abstract String defaultName();

    @Override
    public Integer call() throws IOException {
        Path home = Path.of(System.getProperty("distill.home", ".")).toAbsolutePath().normalize();
        Path recipeFile =
                recipe != null
                        ? recipe
                        : home.resolve("models").resolve(defaultName() + ".recipe.json");
        Path outDir = out != null ? out : home.resolve("models").resolve(defaultName());
        Recipe r = RecipeJson.read(recipeFile);
        PrintWriter o = spec.commandLine().getOut();
        o.printf("%s: recipe %s -> %s%n", spec.name(), recipeFile, outDir);
        if (steps != null) {
            int warmup = r.optimizer().warmupSteps();
            r = r.withSteps(steps);
            o.printf(
                    "--steps %d overrides %d; warm-up scaled from %d to %d steps%n",
                    steps,
                    RecipeJson.read(recipeFile).training().steps(),
                    warmup,
                    r.optimizer().warmupSteps());
        }
        RecipeTrainer.run(
                r, new RecipeTrainer.Options(outDir, home, recipeFile.toString(), minutes, o));
        o.flush();
        return 0;
    }
}
