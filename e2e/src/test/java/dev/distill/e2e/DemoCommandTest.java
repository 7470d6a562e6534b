package dev.distill.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.distill.core.checkpoint.CheckpointManifest;
import dev.distill.core.checkpoint.Checkpoints;
import dev.distill.core.model.CausalLm;
import dev.distill.core.model.ModelConfig;
import dev.distill.core.model.Rope;
import dev.distill.core.tokenizer.HfTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * README's first command, shrunk: `distill demo` with MiniLLM and both baselines through the real
 * broker, registry and the three packaged services, on the bundled data with tiny random models of
 * two Llama-family families (a Qwen3 teacher, a Llama student, one tokenizer), as `--teacher DIR
 * --student DIR`, so it runs in CI in about two minutes. What it checks is the machinery (every run
 * ends, every checkpoint is scored, the report and summary are written), not the learning, which
 * needs the shipped models and minutes.
 */
@Tag("integration")
class DemoCommandTest {
    static final Path ROOT = PlatformEndToEndTest.ROOT;

    @Test
    void demoDistillsThroughThePlatformAndWritesTheReport() throws Exception {
        Path work =
                Files.createDirectories(
                        Path.of("target", "demo-test-" + System.currentTimeMillis()));
        Path suite = ROOT.resolve("data/suite").toAbsolutePath();
        Path teacher = work.resolve("teacher");
        Path student = work.resolve("student");
        try (HfTokenizer tok = HfTokenizer.load(suite.resolve("tokenizer.json"));
                NDManager root = NDManager.newBaseManager();
                // A Qwen3 teacher and a Llama student sharing the suite's tokenizer: the demo with
                // users' families.
                CausalLm t =
                        CausalLm.create(
                                new ModelConfig(
                                        "qwen3",
                                        tok.vocabSize(),
                                        tok.vocabSize(),
                                        64,
                                        32,
                                        1,
                                        2,
                                        1,
                                        16,
                                        64,
                                        1e-6,
                                        true,
                                        List.of(1),
                                        null,
                                        new Rope(10000, null),
                                        false,
                                        false,
                                        true),
                                root,
                                1);
                CausalLm s =
                        CausalLm.create(
                                new ModelConfig(
                                        "llama",
                                        tok.vocabSize(),
                                        tok.vocabSize(),
                                        64,
                                        16,
                                        1,
                                        2,
                                        1,
                                        8,
                                        32,
                                        1e-6,
                                        false,
                                        List.of(1),
                                        null,
                                        new Rope(10000, null),
                                        false,
                                        false,
                                        false),
                                root,
                                2)) {
            Checkpoints.save(t, null, CheckpointManifest.of(0, null, 0, 1L, null, null), teacher);
            Checkpoints.save(s, null, CheckpointManifest.of(0, null, 0, 2L, null, null), student);
        }
        Files.copy(suite.resolve("tokenizer.json"), teacher.resolve("tokenizer.json"));
        Files.copy(suite.resolve("tokenizer.json"), student.resolve("tokenizer.json"));

        Path out = work.resolve("demo");
        List<String> cmd =
                new ArrayList<>(
                        List.of(
                                ProcessHandle.current().info().command().orElse("java"),
                                "-Ddistill.home=" + ROOT.toAbsolutePath(),
                                "-Dai.djl.offline=true",
                                "-Dai.djl.pytorch.num_threads=1",
                                "-jar",
                                ROOT.resolve("distill-cli/target/distill-cli.jar")
                                        .toAbsolutePath()
                                        .toString(),
                                "demo",
                                "--teacher",
                                teacher.toAbsolutePath().toString(),
                                "--student",
                                student.toAbsolutePath().toString(),
                                "--out",
                                out.toAbsolutePath().toString(),
                                "--rounds",
                                "2",
                                "--rollouts-per-round",
                                "8",
                                "--mini-batch",
                                "4",
                                "--held-out-items",
                                "6",
                                "--baselines",
                                "--run-timeout-minutes",
                                "6"));
        ProcessBuilder pb =
                new ProcessBuilder(cmd)
                        .redirectOutput(work.resolve("demo.log").toFile())
                        .redirectError(work.resolve("demo.err").toFile());
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        Process p = pb.start();
        boolean ended = p.waitFor(15, TimeUnit.MINUTES);
        if (!ended) {
            p.destroyForcibly();
        }
        String log = Files.readString(work.resolve("demo.log"));
        String err = Files.readString(work.resolve("demo.err"));
        assertTrue(ended, "the demo did not end in 15 minutes:\n" + log + err);
        assertEquals(0, p.exitValue(), log + err);

        // The console carries the demo's own lines only: the libraries' lines (Kafka, the registry
        // client, the local stack, DJL) are in the run's distill.log. The one line libtorch writes
        // to fd 2 itself is dropped by the ./distill launcher, which this test bypasses.
        List<String> stray =
                err.lines()
                        .filter(l -> !l.isBlank() && !l.contains("AutoNonVariableTypeMode"))
                        .toList();
        assertTrue(stray.isEmpty(), "library lines on the console:\n" + String.join("\n", stray));
        String libraryLog = Files.readString(out.resolve("distill.log"));
        assertTrue(libraryLog.contains("Kafka broker ready"), libraryLog);
        // The prompt producer must not hit transaction races (CONCURRENT_TRANSACTIONS and the
        // OUT_OF_ORDER_SEQUENCE_NUMBER retries of its pipelined batches): see PromptFeeder.
        for (String race : List.of("CONCURRENT_TRANSACTIONS", "OUT_OF_ORDER_SEQUENCE_NUMBER")) {
            assertFalse(
                    libraryLog.contains(race), race + " in the demo's producer:\n" + libraryLog);
        }

        for (String run :
                List.of("demo-minillm-s1", "demo-sft-s1", "demo-kd-s1", "demo-seqkd-s1")) {
            assertTrue(log.contains("run " + run + " done"), run + " did not finish:\n" + log);
            for (String v : List.of("v1", "v2")) {
                assertTrue(
                        Files.isRegularFile(
                                out.resolve(run)
                                        .resolve("checkpoints")
                                        .resolve(run)
                                        .resolve(v)
                                        .resolve(Checkpoints.MANIFEST)),
                        run + " lacks checkpoint " + v);
            }
        }
        // Progress as the runs went: bars per phase, rollouts, loss terms of MiniLLM, the latest
        // Rouge-L.
        assertTrue(log.contains("train ████████████████████ 2/2"), log);
        assertTrue(log.contains("eval ████████████████████ 2/2"), log);
        assertTrue(
                Pattern.compile(
                                "minillm s1 .* rollouts .* pg -?\\d+\\.\\d+ reg -?\\d+\\.\\d+ pt"
                                        + " \\d+\\.\\d+ .*Rouge-L v2")
                        .matcher(log)
                        .find(),
                log);

        Matcher m = Pattern.compile("report: (\\S+report\\.html)").matcher(log);
        assertTrue(m.find(), log);
        Path report = Path.of(m.group(1));
        String html = Files.readString(report);
        for (String row : List.of("teacher", "SFT student", "minillm", "sft", "kd", "seqkd")) {
            assertTrue(html.contains(row), row + " missing from the report");
            assertTrue(log.contains(row), row + " missing from the summary:\n" + log);
        }
        for (String png : List.of("rouge-l.png", "ece.png", "losses.png", "reliability.png")) {
            assertTrue(html.contains(png), png + " not referenced by the report");
            assertNotNull(ImageIO.read(report.resolveSibling(png).toFile()), png + " is not a PNG");
        }
    }
}
