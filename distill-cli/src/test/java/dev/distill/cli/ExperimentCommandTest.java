package dev.distill.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * distill experiment on the shipped teacher and student with a tiny budget: selection, scores,
 * intervals, resuming.
 */
class ExperimentCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path tmp;

    @Test
    void choosesCheckpointsOnValidationScoresEveryTestItemAndResumes() throws Exception {
        Path out = tmp.resolve("exp");
        String[] args = {
            "experiment",
            "--teacher",
            "../models/teacher",
            "--student",
            "../models/student-sft",
            "--data",
            "../data/suite",
            "--out",
            out.toString(),
            "--arms",
            "minillm,sft",
            "--seeds",
            "1,2",
            "--rounds",
            "3",
            "--eval-every",
            "1",
            "--rollouts-per-round",
            "8",
            "--mini-batch",
            "4",
            "--validation-items",
            "16",
            "--test-items",
            "24",
            "--test-seeds",
            "10,20",
            "--jobs",
            "2"
        };
        CliRun first = CliRun.distill(args);
        assertEquals(0, first.code(), first.err() + first.out());
        for (String run : List.of("minillm-s1", "minillm-s2", "sft-s1", "sft-s2")) {
            JsonNode result =
                    JSON.readTree(out.resolve("runs").resolve(run).resolve("result.json").toFile());
            JsonNode best = null;
            for (JsonNode v : result.path("validation")) {
                if (best == null || v.path("score").asDouble() > best.path("score").asDouble()) {
                    best = v;
                }
            }
            assertEquals(
                    3,
                    result.path("validation").size(),
                    run + ": every round scored on validation");
            assertEquals(best.path("version").asLong(), result.path("chosenVersion").asLong(), run);
            try (Stream<Path> kept =
                    Files.list(out.resolve("runs").resolve(run).resolve("checkpoints"))) {
                assertEquals(
                        List.of("v" + best.path("version").asLong()),
                        kept.map(p -> p.getFileName().toString()).toList(),
                        run + ": only the chosen checkpoint is kept");
            }
            JsonNode test = JSON.readTree(out.resolve("test").resolve(run + ".json").toFile());
            assertEquals(24, test.path("paper").size());
            assertEquals(24, test.path("greedy").size());
        }
        String report = Files.readString(out.resolve("report.md"));
        for (String png : List.of("validation.png", "length.png", "exaccerr.png")) {
            assertTrue(report.contains("](" + png + ")"), png + " not in the report");
            org.junit.jupiter.api.Assertions.assertNotNull(
                    javax.imageio.ImageIO.read(out.resolve(png).toFile()), png);
        }
        assertTrue(report.contains("| minillm | 2 |") && report.contains("| sft | 2 |"), report);
        assertTrue(
                report.matches(
                        "(?s).*\\| sft \\| [+-]\\d+\\.\\d\\d \\[[+-]\\d+\\.\\d\\d,"
                                + " [+-]\\d+\\.\\d\\d] \\|.*"),
                report);

        CliRun again = CliRun.distill(args);
        assertEquals(0, again.code(), again.err());
        assertFalse(
                again.out().contains("trained in"),
                "finished runs are not trained again: " + again.out());
        assertEquals(report, Files.readString(out.resolve("report.md")));

        String[] otherBudget = args.clone();
        otherBudget[java.util.Arrays.asList(args).indexOf("--rounds") + 1] = "4";
        CliRun refused = CliRun.distill(otherBudget);
        assertTrue(
                refused.code() != 0 && refused.err().contains("other settings"),
                "results of another budget must not be reused: " + refused.err());
    }
}
