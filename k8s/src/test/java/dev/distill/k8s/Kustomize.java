package dev.distill.k8s;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs {@code kubectl kustomize} (kustomize v5 built into kubectl) on the directories of this
 * module and parses the output with {@link StrictModel}. kubectl is required: without it the tests
 * fail, they are never skipped.
 */
final class Kustomize {
    private static final Map<Path, Rendered> CACHE = new ConcurrentHashMap<>();

    private Kustomize() {}

    /** The k8s/ directory of the checkout. */
    static Path k8sDir() {
        return Path.of(System.getProperty("k8s.dir", ".")).toAbsolutePath().normalize();
    }

    /** The overlays under k8s/overlays, by directory name. */
    static List<String> overlays() {
        try (Stream<Path> dirs = Files.list(k8sDir().resolve("overlays"))) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("kustomization.yaml")))
                    .map(d -> d.getFileName().toString())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Rendered overlay(String name) {
        return render(k8sDir().resolve("overlays").resolve(name));
    }

    static Rendered render(Path dir) {
        return CACHE.computeIfAbsent(
                dir.toAbsolutePath().normalize(), d -> StrictModel.parse(build(d), d.toString()));
    }

    /**
     * The YAML kustomize prints for {@code dir}; fails with kubectl's own message when the build
     * fails.
     */
    static String build(Path dir) {
        Path kubectl = checkedKubectl();
        Process process;
        try {
            process = new ProcessBuilder(kubectl.toString(), "kustomize", dir.toString()).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + kubectl + ": " + e.getMessage(), e);
        }
        CompletableFuture<String> out =
                CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
        CompletableFuture<String> err =
                CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(
                        "kubectl kustomize " + dir + " did not finish within 60 s");
            }
            if (process.exitValue() != 0) {
                throw new AssertionError(
                        "kubectl kustomize "
                                + dir
                                + " failed (exit "
                                + process.exitValue()
                                + "):\n"
                                + err.join());
            }
            return out.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static volatile Path checked;

    /**
     * {@link #kubectl()}, once verified to embed kustomize v5 or newer (the kustomizations use v5
     * features).
     */
    static Path checkedKubectl() {
        Path kubectl = checked;
        if (kubectl == null) {
            kubectl = kubectl();
            String version = run(kubectl, "version", "--client", "-o", "json");
            Matcher m = Pattern.compile("\"kustomizeVersion\"\\s*:\\s*\"v(\\d+)").matcher(version);
            if (!m.find() || Integer.parseInt(m.group(1)) < 5) {
                throw new AssertionError(
                        kubectl
                                + " does not embed kustomize v5 or newer (`kubectl version"
                                + " --client`: "
                                + version.replaceAll("\\s+", " ")
                                + "). Install kubectl 1.27 or newer, or point -Dkubectl at one.");
            }
            checked = kubectl;
        }
        return kubectl;
    }

    private static String run(Path kubectl, String... args) {
        List<String> cmd = new ArrayList<>(List.of(kubectl.toString()));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = read(p.getInputStream());
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", cmd) + " did not finish within 30 s");
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError(
                    "cannot run " + String.join(" ", cmd) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** -Dkubectl=PATH, else kubectl on the PATH; a clear failure when there is none. */
    static Path kubectl() {
        String configured = System.getProperty("kubectl");
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured);
            if (!Files.isExecutable(p)) {
                throw new AssertionError("-Dkubectl=" + configured + " is not an executable file");
            }
            return p;
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, "kubectl");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError(
                "kubectl is required to validate the Kubernetes manifests (the k8s module runs "
                        + "`kubectl kustomize` on every overlay) but none was found on the PATH ("
                        + path
                        + "). Install kubectl 1.27 or newer (kustomize v5 built in), or point"
                        + " -Dkubectl=/path/to/kubectl at one.");
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
