package dev.distill.cli;

import static dev.distill.cli.chart.Pixels.DRAWN;
import static dev.distill.cli.chart.Pixels.count;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.distill.cli.chart.ChartPalette;
import dev.distill.cli.chart.LineChartFactory;
import dev.distill.cli.chart.Pixels;
import dev.distill.core.data.HeldOutItem;
import dev.distill.core.experiment.Arm;
import dev.distill.core.experiment.ArmRun;
import dev.distill.core.experiment.TestScores;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The experiment's figures from a finished experiment directory made up here, without training
 * anything.
 */
class ExperimentFiguresTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<Arm> ARMS = List.of(Arm.MINILLM, Arm.SFT);
    static final long[] SEEDS = {1, 2};

    /** A dotted line leaves about half the pixels of a solid one. */
    static final int DRAWN_DOTTED = DRAWN / 2;

    @TempDir Path dir;

    /** Eight test items, two per length bucket (1, 2-4, 5-6, 7+ words of the first reference). */
    static List<HeldOutItem> testItems() {
        List<String> refs =
                List.of(
                        "yes",
                        "no",
                        "a red car",
                        "two small dogs here",
                        "one two three four five",
                        "one two three four five six",
                        "a b c d e f g",
                        "a b c d e f g h i");
        List<HeldOutItem> items = new ArrayList<>();
        for (int i = 0; i < refs.size(); i++) {
            items.add(new HeldOutItem("t" + i, "question " + i, "", List.of(refs.get(i))));
        }
        return items;
    }

    static TestScores scores(String name, double base, double[] exAccErr) {
        double[] paper = new double[8];
        for (int i = 0; i < paper.length; i++) {
            paper[i] = base + 4 * i;
        }
        return new TestScores(
                name,
                Path.of("models", name),
                paper,
                paper.clone(),
                base + 14,
                base + 14,
                1.2,
                0.03,
                0.2,
                0.98,
                2.4,
                exAccErr);
    }

    /**
     * What {@code distill experiment} leaves behind once every run of {@link #ARMS} is trained and
     * scored.
     */
    static void writeFinishedExperiment(Path out) throws IOException {
        Files.createDirectories(out.resolve("test"));
        for (int a = 0; a < ARMS.size(); a++) {
            for (long seed : SEEDS) {
                String run = ARMS.get(a).name() + "-s" + seed;
                List<ArmRun.Validation> validation = new ArrayList<>();
                for (long v = 1; v <= 3; v++) {
                    double score = 20 + a + v + seed / 2.0;
                    validation.add(new ArmRun.Validation(v, score + 1, score - 1, score));
                }
                Path runDir = Files.createDirectories(out.resolve("runs").resolve(run));
                JSON.writeValue(
                        runDir.resolve("result.json").toFile(),
                        new ArmRun.Result(
                                ARMS.get(a).name(),
                                seed,
                                validation,
                                3,
                                runDir.resolve("checkpoints/v3"),
                                12.5,
                                List.of()));
                JSON.writeValue(
                        out.resolve("test").resolve(run + ".json").toFile(),
                        scores(
                                run,
                                10 + a + seed,
                                new double[] {1 + a, 2 + a, 4 + a, 7 + a, 9 + a}));
            }
        }
        JSON.writeValue(
                out.resolve("test/sft-init.json").toFile(),
                scores("sft-init", 8, new double[] {3, 4, 6, 9, 12}));
        JSON.writeValue(out.resolve("test/teacher.json").toFile(), scores("teacher", 16, null));
    }

    static BufferedImage png(Path file) throws IOException {
        return Pixels.png(file, LineChartFactory.WIDTH, LineChartFactory.HEIGHT);
    }

    @Test
    void everyFigureDrawsALinePerArmInTheArmsColour() throws IOException {
        writeFinishedExperiment(dir);
        ExperimentFigures.write(dir, ARMS, SEEDS, testItems(), JSON);
        for (String file : ExperimentFigures.FILES) {
            BufferedImage img = png(dir.resolve(file));
            for (int a = 0; a < ARMS.size(); a++) {
                Color c = ChartPalette.run(a);
                assertTrue(
                        count(img, c) > DRAWN,
                        file
                                + ": arm "
                                + ARMS.get(a).name()
                                + " has "
                                + count(img, c)
                                + " pixels of its colour");
            }
        }
    }

    @Test
    void lengthFigureAddsTheStartingStudentAndTheTeacher() throws IOException {
        writeFinishedExperiment(dir);
        ExperimentFigures.write(dir, ARMS, SEEDS, testItems(), JSON);
        BufferedImage length = png(dir.resolve("length.png"));
        for (Color c : List.of(ChartPalette.SFT, ChartPalette.TEACHER)) {
            assertTrue(
                    count(length, c) > DRAWN_DOTTED,
                    "length.png: " + c + " has " + count(length, c) + " pixels");
        }
        BufferedImage validation = png(dir.resolve("validation.png"));
        assertTrue(
                count(validation, ChartPalette.SFT) < DRAWN / 3,
                "validation.png has no reference model line");
    }
}
