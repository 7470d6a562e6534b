package dev.distill.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distill.core.tokenizer.Gpt2Tokenizer;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DistillCommandTest {
    @TempDir Path tmp;

    static CliRun run(String... args) {
        return CliRun.distill(args);
    }

    @Test
    void generatePrintsIdsThenDecodedTextForAGpt2VocabularyModel() {
        Path model = tmp.resolve("gpt2-tiny");
        CliRun init =
                run(
                        "init-model",
                        "--out",
                        model.toString(),
                        "--n-embd",
                        "16",
                        "--n-layer",
                        "1",
                        "--n-head",
                        "2",
                        "--n-positions",
                        "32",
                        "--seed",
                        "4");
        assertEquals(0, init.code(), init.err());
        CliRun gen =
                run(
                        "generate",
                        "--model",
                        model.toString(),
                        "--prompt",
                        "Hello world",
                        "--max-new-tokens",
                        "6",
                        "--temperature",
                        "0");
        assertEquals(0, gen.code(), gen.err());
        String[] lines = gen.out().split("\n", -1);
        int[] ids = Arrays.stream(lines[0].split(",")).mapToInt(Integer::parseInt).toArray();
        assertTrue(ids.length >= 1 && ids.length <= 6, lines[0]);
        assertEquals(new Gpt2Tokenizer().decode(ids), lines[1]);
        assertEquals(
                gen.out(),
                run(
                                "generate",
                                "--model",
                                model.toString(),
                                "--prompt",
                                "Hello world",
                                "--max-new-tokens",
                                "6",
                                "--temperature",
                                "0")
                        .out(),
                "greedy decoding is deterministic");
    }

    @Test
    void demoRefusesAMissingTeacherBeforeStartingAnything() {
        Path missing = tmp.resolve("no-teacher");
        CliRun demo =
                run(
                        "demo",
                        "--teacher",
                        missing.toString(),
                        "--out",
                        tmp.resolve("demo").toString());
        assertEquals(2, demo.code());
        assertTrue(
                demo.err().contains("the teacher is missing at " + missing)
                        && demo.err().contains("train-teacher"),
                demo.err());
        assertTrue(
                !java.nio.file.Files.exists(tmp.resolve("demo/stack")),
                "no broker may have been started");
    }

    @Test
    void generateRejectsOutOfVocabularyIdsWithAClearMessage() {
        Path model = tmp.resolve("small");
        assertEquals(
                0,
                run(
                                "init-model",
                                "--out",
                                model.toString(),
                                "--vocab-size",
                                "20",
                                "--n-embd",
                                "8",
                                "--n-layer",
                                "1",
                                "--n-head",
                                "2",
                                "--n-positions",
                                "16")
                        .code());
        CliRun gen = run("generate", "--model", model.toString(), "--prompt-ids", "1,2,25");
        assertEquals(2, gen.code());
        assertTrue(gen.err().contains("token id 25 outside the vocabulary of 20"), gen.err());
        CliRun text = run("generate", "--model", model.toString(), "--prompt", "hi");
        assertEquals(2, text.code());
        assertTrue(text.err().contains("no tokenizer.json"), text.err());
    }
}
