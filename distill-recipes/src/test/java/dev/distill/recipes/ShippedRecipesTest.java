package dev.distill.recipes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The recipes in models/ load and fit the bundled suite, and keep the sizes the demo's argument
 * needs.
 */
class ShippedRecipesTest {
    /** Tests run in the module directory; the project root is one up. */
    static final Path HOME = Path.of("..");

    static Recipe load(String name) throws IOException {
        Path file = HOME.resolve("models").resolve(name + ".recipe.json");
        Recipe r = RecipeJson.read(file);
        try (RecipeData data = RecipeData.load(r, file.toString(), HOME)) {
            assertEquals(38_505, data.stats().trainItems());
            assertTrue(
                    data.stats().maxPrompt() + data.stats().maxResponse() + 1
                            <= r.training().seqLen());
        }
        return r;
    }

    @Test
    void theTeacherAndStudentRecipesFitTheSuiteAndDifferInCapacity() throws IOException {
        Recipe teacher = load("teacher");
        Recipe student = load("student-sft");
        long t = teacher.model().config().parameterCount();
        long s = student.model().config().parameterCount();
        assertTrue(
                t >= 2 * s,
                "the teacher ("
                        + t
                        + " parameters) must be at least twice the student ("
                        + s
                        + ")");
        assertTrue(s >= 100_000, "student has " + s + " parameters");
        assertEquals(
                teacher.data(),
                student.data(),
                "the paper's recipe: the student is fine-tuned on the teacher's data");
        assertEquals(teacher.training().corpusFraction(), student.training().corpusFraction());
        assertEquals(teacher.model().vocabSize(), student.model().vocabSize());
        assertEquals(teacher.model().nPositions(), student.model().nPositions());
    }
}
