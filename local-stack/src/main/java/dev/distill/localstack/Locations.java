package dev.distill.localstack;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Where the broker's jars and the registry's files are, on this machine, at run time.
 *
 * <p>The build writes three resources next to these classes (so they travel inside the local-stack
 * jar): {@code kafka-broker-provided.classpath} and {@code kafka-broker-runtime.classpath} (the
 * broker's jars as {@code @M2_REPO@/group/path/artifact-version.jar}) and {@code
 * local-stack-build.properties} (the build's local repository, {@code target/kafka-libs}, the
 * unpacked registry, the registry archive's repository path).
 *
 * <p>Overrides (system properties): {@code localstack.kafka.classpath} (a complete broker
 * classpath), {@code localstack.apicurio.home} (a directory holding {@code
 * apicurio-registry-app-VERSION-runner.jar}), {@code localstack.cache.dir} (where the registry
 * archive is unpacked when the build's copy is gone; default {@code ~/.cache/distill-local-stack}),
 * {@code maven.repo.local} (an extra local repository to search first).
 */
final class Locations {

    private static final String M2_REPO = "@M2_REPO@";
    private static final String RESOURCE_DIR = "/dev/distill/localstack/";
    private static final Properties BUILD = loadBuildProperties();

    private Locations() {}

    /** The {@code java} running this JVM, so children run on the same JDK. */
    static String javaExecutable() {
        return ProcessHandle.current()
                .info()
                .command()
                .filter(c -> Files.isExecutable(Paths.get(c)))
                .orElse(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    }

    static String apicurioVersion() {
        return BUILD.getProperty("apicurio.version");
    }

    // ---------------------------------------------------------------- Kafka broker classpath

    /** The broker's classpath: every jar exists, or this throws naming the missing ones. */
    static List<Path> kafkaClasspath() {
        String override = System.getProperty("localstack.kafka.classpath");
        if (override != null && !override.isBlank()) {
            List<Path> jars = new ArrayList<>();
            for (String s : override.split(File.pathSeparator)) {
                if (!s.isBlank()) {
                    jars.add(Paths.get(s.trim()));
                }
            }
            return jars;
        }
        List<String> entries = new ArrayList<>();
        entries.addAll(readClasspathResource("kafka-broker-provided.classpath"));
        entries.addAll(readClasspathResource("kafka-broker-runtime.classpath"));
        if (entries.isEmpty()) {
            throw new LocalStackException(
                    "local-stack was built without its broker classpath resources");
        }
        List<Path> repos = localRepositories();
        Path libs = pathProperty("kafka.libs.dir");
        List<Path> jars = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String entry : entries) {
            Path found = null;
            if (entry.startsWith(M2_REPO)) {
                String rel = entry.substring(M2_REPO.length()).replaceFirst("^/+", "");
                for (Path repo : repos) {
                    Path candidate = repo.resolve(rel);
                    if (Files.isRegularFile(candidate)) {
                        found = candidate;
                        break;
                    }
                }
            } else if (Files.isRegularFile(Paths.get(entry))) {
                found = Paths.get(entry);
            }
            if (found == null && libs != null) {
                Path candidate = libs.resolve(fileName(entry));
                if (Files.isRegularFile(candidate)) {
                    found = candidate;
                }
            }
            if (found == null) {
                missing.add(entry);
            } else {
                jars.add(found);
            }
        }
        if (!missing.isEmpty()) {
            throw new LocalStackException(
                    "Kafka broker jars not found in "
                            + repos
                            + (libs == null ? "" : " or " + libs)
                            + ": "
                            + missing
                            + ". Build local-stack (mvn -f local-stack/pom.xml package) on this"
                            + " machine, or set -Dlocalstack.kafka.classpath.");
        }
        return jars;
    }

    private static List<String> readClasspathResource(String name) {
        try (InputStream in = Locations.class.getResourceAsStream(RESOURCE_DIR + name)) {
            if (in == null) {
                return List.of();
            }
            List<String> out = new ArrayList<>();
            for (String s :
                    new String(in.readAllBytes(), StandardCharsets.UTF_8).split("[;\\r\\n]+")) {
                if (!s.isBlank()) {
                    out.add(s.trim());
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String fileName(String entry) {
        int slash = Math.max(entry.lastIndexOf('/'), entry.lastIndexOf('\\'));
        return entry.substring(slash + 1);
    }

    /**
     * Local Maven repositories to search, most specific first: -Dmaven.repo.local, the build's,
     * ~/.m2.
     */
    static List<Path> localRepositories() {
        Set<Path> repos = new LinkedHashSet<>();
        String sys = System.getProperty("maven.repo.local");
        if (sys != null && !sys.isBlank()) {
            repos.add(Paths.get(sys));
        }
        Path build = pathProperty("build.localRepository");
        if (build != null) {
            repos.add(build);
        }
        repos.add(Paths.get(System.getProperty("user.home"), ".m2", "repository"));
        List<Path> out = new ArrayList<>();
        for (Path p : repos) {
            if (Files.isDirectory(p)) {
                out.add(p.toAbsolutePath().normalize());
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- Apicurio Registry

    /**
     * The registry's runner jar ({@code apicurio-registry-app-VERSION-runner.jar}, with {@code
     * lib/} beside it).
     */
    static Path apicurioRunnerJar() {
        String runner = "apicurio-registry-app-" + apicurioVersion() + "-runner.jar";
        String override = System.getProperty("localstack.apicurio.home");
        if (override != null && !override.isBlank()) {
            Path jar = Paths.get(override).resolve(runner);
            if (!Files.isRegularFile(jar)) {
                throw new LocalStackException(
                        "-Dlocalstack.apicurio.home=" + override + " has no " + runner);
            }
            return jar;
        }
        Path unpacked = pathProperty("apicurio.unpacked.dir");
        if (unpacked != null && Files.isRegularFile(unpacked.resolve(runner))) {
            return unpacked.resolve(runner);
        }
        Path cached = cacheDir().resolve("apicurio-registry-app-" + apicurioVersion());
        if (Files.isRegularFile(cached.resolve(runner))) {
            return cached.resolve(runner);
        }
        return unpackArchive(cached).resolve(runner);
    }

    static String mainClassOf(Path jar) {
        try (JarFile jf = new JarFile(jar.toFile())) {
            String main =
                    jf.getManifest() == null
                            ? null
                            : jf.getManifest().getMainAttributes().getValue("Main-Class");
            if (main == null) {
                throw new LocalStackException(jar + " has no Main-Class");
            }
            return main.trim();
        } catch (IOException e) {
            throw new LocalStackException("cannot read " + jar + ": " + e.getMessage(), e);
        }
    }

    private static Path cacheDir() {
        String sys = System.getProperty("localstack.cache.dir");
        if (sys != null && !sys.isBlank()) {
            return Paths.get(sys);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base =
                xdg != null && !xdg.isBlank()
                        ? Paths.get(xdg)
                        : Paths.get(System.getProperty("user.home"), ".cache");
        return base.resolve("distill-local-stack");
    }

    /**
     * Unpacks the registry archive from a local repository into {@code target}, once (file lock,
     * atomic rename).
     */
    private static Path unpackArchive(Path target) {
        String rel = BUILD.getProperty("apicurio.archive");
        Path archive = null;
        for (Path repo : localRepositories()) {
            if (Files.isRegularFile(repo.resolve(rel))) {
                archive = repo.resolve(rel);
                break;
            }
        }
        if (archive == null) {
            throw new LocalStackException(
                    "Apicurio Registry not found: neither "
                            + BUILD.getProperty("apicurio.unpacked.dir")
                            + " nor "
                            + rel
                            + " in "
                            + localRepositories()
                            + ". Build local-stack on this machine (mvn -f local-stack/pom.xml"
                            + " package), or set -Dlocalstack.apicurio.home.");
        }
        String runner = "apicurio-registry-app-" + apicurioVersion() + "-runner.jar";
        try {
            Files.createDirectories(target.getParent());
            Path lockFile = target.getParent().resolve(target.getFileName() + ".lock");
            try (FileChannel ch =
                            FileChannel.open(
                                    lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock ignored = ch.lock()) {
                if (Files.isRegularFile(target.resolve(runner))) {
                    return target; // another process unpacked it while we waited
                }
                Path tmp =
                        Files.createTempDirectory(
                                target.getParent(), target.getFileName() + ".tmp");
                Path log = tmp.resolve("tar.log");
                int rc =
                        ChildProcess.run(
                                "tar",
                                List.of("tar", "-xzf", archive.toString(), "-C", tmp.toString()),
                                tmp,
                                log,
                                Duration.ofMinutes(5));
                if (rc != 0 || !Files.isRegularFile(tmp.resolve(runner))) {
                    String msg =
                            "unpacking "
                                    + archive
                                    + " failed (tar exit "
                                    + rc
                                    + ")"
                                    + ChildProcess.logTailMessage(log, 20);
                    deleteRecursively(tmp);
                    throw new LocalStackException(msg);
                }
                Files.delete(log);
                deleteRecursively(target);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                return target;
            }
        } catch (IOException e) {
            throw new LocalStackException(
                    "cannot unpack " + archive + " into " + target + ": " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- helpers

    /**
     * The directory to put on a child's classpath so it can run {@code ParentWatchdog}: a copy of
     * that one class.
     */
    static Path watchdogClasses(Path dir) {
        Path root = dir.resolve(".local-stack-launcher");
        try {
            ChildProcess.copyResource(
                    RESOURCE_DIR + "internal/ParentWatchdog.class",
                    root.resolve("dev/distill/localstack/internal/ParentWatchdog.class"));
        } catch (IOException e) {
            throw new LocalStackException(
                    "cannot write the child launcher into " + root + ": " + e.getMessage(), e);
        }
        return root;
    }

    static final String WATCHDOG_MAIN = "dev.distill.localstack.internal.ParentWatchdog";

    static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted((a, b) -> b.getNameCount() - a.getNameCount())
                    .forEach(
                            p -> {
                                try {
                                    Files.deleteIfExists(p);
                                } catch (IOException ignored) {
                                    // best effort
                                }
                            });
        } catch (IOException ignored) {
            // best effort
        }
    }

    private static Path pathProperty(String key) {
        String v = BUILD.getProperty(key);
        return v == null || v.isBlank() || v.contains("${") ? null : Paths.get(v);
    }

    private static Properties loadBuildProperties() {
        Properties p = new Properties();
        try (InputStream in =
                Locations.class.getResourceAsStream(
                        RESOURCE_DIR + "local-stack-build.properties")) {
            if (in == null) {
                throw new IllegalStateException(
                        "local-stack-build.properties missing: local-stack was not built with"
                                + " Maven");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
