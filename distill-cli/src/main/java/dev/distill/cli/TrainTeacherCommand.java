package dev.distill.cli;

import picocli.CommandLine.Command;

@Command(
        name = "train-teacher",
        mixinStandardHelpOptions = true,
        description =
                "Trains the teacher from scratch by its recipe (instruction SFT + corpus language"
                    + " modelling) and writes its checkpoint with tokenizer.json, RECIPE.json and"
                    + " TRAINING.md/json.")
final class TrainTeacherCommand extends RecipeCommand {
    @Override
    String defaultName() {
        return "teacher";
    }
}
