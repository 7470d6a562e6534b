package dev.distill.evaluator.leaderboard;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's headless Chromium, run as a command: loads a page, lets its scripts run, returns the
 * DOM.
 */
final class Chromium {
    static final Path BINARY = Path.of("/usr/bin/chromium");

    private Chromium() {}

    /** The DOM after {@code budgetMs} of virtual time (fetches and timers complete within it). */
    static String dumpDom(String url, int budgetMs) throws IOException, InterruptedException {
        return run(List.of("--virtual-time-budget=" + budgetMs, "--dump-dom", url));
    }

    static void screenshot(String url, Path png, int budgetMs)
            throws IOException, InterruptedException {
        run(
                List.of(
                        "--virtual-time-budget=" + budgetMs,
                        "--window-size=1400,1500",
                        "--hide-scrollbars",
                        "--screenshot=" + png.toAbsolutePath(),
                        url));
    }

    private static String run(List<String> args) throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(
                    BINARY
                            + " is missing: install Debian's chromium (./verify, the README's test"
                            + " command, does)");
        }
        Path profile = Files.createTempDirectory("distill-chromium-");
        List<String> cmd =
                new ArrayList<>(
                        List.of(
                                BINARY.toString(),
                                "--headless",
                                "--no-sandbox",
                                "--disable-gpu",
                                "--disable-quic",
                                "--no-first-run",
                                "--disable-background-networking",
                                "--disable-component-update",
                                "--disable-sync",
                                "--user-data-dir=" + profile));
        cmd.addAll(args);
        Path err = Files.createTempFile("distill-chromium-", ".log");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("chromium did not finish in 120 s");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(
                    "chromium exited with " + p.exitValue() + ": " + Files.readString(err));
        }
        return out;
    }
}
