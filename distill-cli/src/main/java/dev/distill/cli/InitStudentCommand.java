package dev.distill.cli;

import picocli.CommandLine.Command;

/**
 * The paper's recipe: the student starts from SFT on the same data as the teacher, at a smaller
 * size.
 */
@Command(
        name = "init-student",
        mixinStandardHelpOptions = true,
        description =
                "SFT-initialises the (smaller) student on the teacher's data by its recipe and"
                        + " writes its checkpoint with tokenizer.json, RECIPE.json and"
                        + " TRAINING.md/json.")
final class InitStudentCommand extends RecipeCommand {
    @Override
    String defaultName() {
        return "student-sft";
    }
}
