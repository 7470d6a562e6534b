package dev.distill.localstack;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A real Apicurio Registry server (H2 storage in its work dir, kept across restarts) running in its
 * own JVM on a free loopback port, serving its native API at {@link #registryUrl()} and the
 * Confluent-compatible API at {@link #confluentUrl()}.
 *
 * <p>Started with {@code apicurio.ccompat.use-canonical-hash=true} (the same schema registered by
 * different clients gets one id) and with deletion of groups, artifacts and versions enabled (handy
 * for tests). Its stdout/stderr go to {@code registry.log} in {@link #workDir()}.
 *
 * <pre>{@code
 * try (ApicurioRegistry registry = ApicurioRegistry.start(ApicurioRegistry.Options.defaults())) {
 *     String url = registry.confluentUrl(); // "http://127.0.0.1:PORT/apis/ccompat/v7"
 * }
 * }</pre>
 */
public final class ApicurioRegistry implements AutoCloseable {

    /** Start-up settings. Mutable builder; every setter returns {@code this}. */
    public static final class Options {
        private Path workDir;
        private Duration startupTimeout = Duration.ofSeconds(60);
        private String maxHeap = "384m";
        private final List<String> jvmOptions = new ArrayList<>();
        private final Map<String, String> properties = new LinkedHashMap<>();
        private final Map<String, String> environment = new LinkedHashMap<>();

        private Options() {}

        /** Defaults: temporary work dir, 384 MB heap, 60 s timeout. */
        public static Options defaults() {
            return new Options();
        }

        /**
         * Directory for the log (created if missing; kept on close). Default: a temp dir, deleted
         * on close.
         */
        public Options workDir(Path dir) {
            this.workDir = dir;
            return this;
        }

        /** How long to wait for {@code GET /health/ready} to answer 200 (default 60 s). */
        public Options startupTimeout(Duration timeout) {
            this.startupTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /**
         * An extra JVM flag for the child, after the defaults ({@code -Xmx384m -XX:+UseSerialGC
         * -XX:TieredStopAtLevel=1}: C1 only, which halves start-up on 2 cores; add {@code
         * -XX:TieredStopAtLevel=4} for full C2 throughput). A later flag overrides an earlier one.
         */
        public Options jvmOption(String flag) {
            jvmOptions.add(Objects.requireNonNull(flag));
            return this;
        }

        /** The registry JVM's {@code -Xmx} (default "384m"). */
        public Options maxHeap(String xmx) {
            this.maxHeap = Objects.requireNonNull(xmx);
            return this;
        }

        /**
         * Writes need HTTP basic authentication as {@code user} (role sr-admin); reads stay
         * anonymous, so services whose schemas are already registered need no credentials.
         * Apicurio's own embedded users, without an OIDC server.
         */
        public Options basicAuth(String user, String password) {
            property("quarkus.oidc.tenant-enabled", "false");
            property("quarkus.http.auth.basic", "true");
            property("apicurio.auth.role-based-authorization", "true");
            property("apicurio.auth.anonymous-read-access.enabled", "true");
            property("quarkus.security.users.embedded.enabled", "true");
            property("quarkus.security.users.embedded.plain-text", "true");
            // The password goes through the environment, not the (logged, world-visible) command
            // line.
            environment.put(
                    "QUARKUS_SECURITY_USERS_EMBEDDED_USERS_"
                            + user.toUpperCase(java.util.Locale.ROOT),
                    password);
            property("quarkus.security.users.embedded.roles." + user, "sr-admin");
            return this;
        }

        /**
         * Any extra or overriding Quarkus/Apicurio config property, passed as {@code -Dkey=value}.
         */
        public Options property(String key, String value) {
            properties.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
            return this;
        }
    }

    private static final System.Logger LOG = System.getLogger(ApicurioRegistry.class.getName());

    private final Path workDir;
    private final boolean ownsWorkDir;
    private final int port;
    private final Options options;
    private volatile ChildProcess process;
    private final Duration startupTime;
    private volatile boolean closed;

    private ApicurioRegistry(
            Path workDir,
            boolean ownsWorkDir,
            int port,
            Options options,
            ChildProcess process,
            Duration startupTime) {
        this.workDir = workDir;
        this.ownsWorkDir = ownsWorkDir;
        this.port = port;
        this.options = options;
        this.process = process;
        this.startupTime = startupTime;
    }

    /**
     * A crash: kills the registry (no shutdown) and keeps its storage, so that {@link #resume()}
     * brings it back on the same port with every schema and id it had.
     */
    public synchronized void kill() {
        process.handle().destroyForcibly();
        process.stop();
    }

    /** Starts the registry again after {@link #kill()} and waits until it is ready. */
    public synchronized void resume() {
        if (closed) {
            throw new IllegalStateException("the registry was closed");
        }
        ChildProcess child = launch(options, workDir, Locations.apicurioRunnerJar(), port);
        try {
            awaitReady(child, port, Instant.now().plus(options.startupTimeout));
        } catch (LocalStackException e) {
            child.stop();
            throw e;
        }
        process = child;
    }

    /** Starts a registry with default options. */
    public static ApicurioRegistry start() {
        return start(Options.defaults());
    }

    /**
     * Starts the registry and returns once {@code GET /health/ready} answers 200.
     *
     * @throws LocalStackException with the tail of {@code registry.log} if it does not become ready
     *     in time
     */
    public static ApicurioRegistry start(Options options) {
        Instant t0 = Instant.now();
        boolean owns = options.workDir == null;
        Path dir;
        try {
            dir =
                    owns
                            ? Files.createTempDirectory("distill-apicurio-")
                            : Files.createDirectories(options.workDir);
        } catch (IOException e) {
            throw new LocalStackException(
                    "cannot create the registry work dir: " + e.getMessage(), e);
        }
        dir = dir.toAbsolutePath();
        try {
            Path runner = Locations.apicurioRunnerJar();
            for (int attempt = 1; ; attempt++) {
                int port = Ports.freeLoopbackPort();
                ChildProcess child = launch(options, dir, runner, port);
                try {
                    awaitReady(child, port, Instant.now().plus(options.startupTimeout));
                    Duration took = Duration.between(t0, Instant.now());
                    LOG.log(
                            System.Logger.Level.INFO,
                            "Apicurio Registry ready on http://127.0.0.1:{0} in {1} ms (pid {2},"
                                    + " logs {3})",
                            String.valueOf(port),
                            took.toMillis(),
                            String.valueOf(child.handle().pid()),
                            dir);
                    return new ApicurioRegistry(dir, owns, port, options, child, took);
                } catch (LocalStackException e) {
                    child.stop();
                    boolean bindConflict =
                            ChildProcess.logContains(
                                    child.logFile(),
                                    "Address already in use",
                                    "BindException",
                                    "seems to be in use by another process");
                    if (attempt < 2 && bindConflict) {
                        LOG.log(
                                System.Logger.Level.WARNING,
                                "Apicurio Registry lost a port race; retrying on a new port");
                        continue;
                    }
                    throw e;
                }
            }
        } catch (RuntimeException e) {
            if (owns) {
                Locations.deleteRecursively(dir);
            }
            throw e;
        }
    }

    private static ChildProcess launch(Options o, Path dir, Path runner, int port) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("quarkus.http.port", String.valueOf(port));
        p.put("quarkus.http.host", "127.0.0.1");
        p.put("apicurio.ccompat.use-canonical-hash", "true");
        // Offline as built: prod mode has no Dev Services, and 3.0.9 has no OpenTelemetry extension
        // (setting quarkus.devservices.* / quarkus.otel.* only produces "unrecognized"/"build time
        // fixed" warnings).
        p.put("apicurio.rest.deletion.group.enabled", "true");
        p.put("apicurio.rest.deletion.artifact.enabled", "true");
        p.put("apicurio.rest.deletion.artifact-version.enabled", "true");
        p.put("apicurio.storage.snapshot.location", dir.toString());
        // H2 in a file of the work dir instead of in memory: a restarted registry keeps every
        // schema and never hands a content id out again, so records already written stay readable.
        // WRITE_DELAY=0: H2 otherwise writes a commit up to 500 ms later, and a registry killed
        // in that window forgot a schema that producers had already used.
        p.put(
                "apicurio.datasource.url",
                "jdbc:h2:file:"
                        + dir.resolve("registry-db").resolve("registry")
                        + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0");
        p.put("vertx.cacheDirBase", dir.resolve("vertx-cache").toString());
        // Apicurio 3.0.9 ships a broken date pattern ("YYYY-MMx-dd"); also show Quarkus' own
        // start-up lines.
        p.put("quarkus.log.console.format", "%d{yyyy-MM-dd HH:mm:ss,SSS} %p [%c{3.}] (%t) %m%n");
        p.put("quarkus.log.category.\"io.quarkus\".level", "INFO");
        p.putAll(o.properties);

        List<String> cmd =
                new ArrayList<>(
                        List.of(
                                Locations.javaExecutable(),
                                "-Xmx" + o.maxHeap,
                                "-XX:+UseSerialGC",
                                "-XX:TieredStopAtLevel=1",
                                "-XX:+ExitOnOutOfMemoryError",
                                "-Djava.awt.headless=true"));
        cmd.addAll(o.jvmOptions);
        p.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        // The runner jar's manifest Class-Path (lib/*.jar) applies on -cp as it does with -jar.
        cmd.addAll(
                List.of(
                        "-cp",
                        Locations.watchdogClasses(dir) + File.pathSeparator + runner,
                        Locations.WATCHDOG_MAIN,
                        String.valueOf(ProcessHandle.current().pid()),
                        Locations.mainClassOf(runner)));
        return ChildProcess.start(
                "apicurio-registry", cmd, o.environment, dir, dir.resolve("registry.log"));
    }

    private static void awaitReady(ChildProcess child, int port, Instant deadline) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready =
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                        .timeout(Duration.ofSeconds(5))
                        .GET()
                        .build();
        String last = "no answer";
        while (true) {
            if (!child.isAlive()) {
                throw new LocalStackException(
                        "Apicurio Registry exited during start-up (exit "
                                + child.exitValue()
                                + ")"
                                + child.logTailMessage());
            }
            if (Instant.now().isAfter(deadline)) {
                throw new LocalStackException(
                        "Apicurio Registry not ready in time (last: "
                                + last
                                + ")"
                                + child.logTailMessage());
            }
            if (Ports.accepts(port)) {
                try {
                    HttpResponse<String> r = http.send(ready, HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        return;
                    }
                    last = "HTTP " + r.statusCode() + " " + r.body();
                } catch (IOException e) {
                    last = e.toString();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new LocalStackException(
                            "interrupted while waiting for Apicurio Registry", e);
                }
            }
            KafkaBroker.sleep(200);
        }
    }

    /** Whether writes need the registrar's credentials ({@link Options#basicAuth}). */
    public boolean writesNeedAuth() {
        return "true".equals(options.properties.get("quarkus.http.auth.basic"));
    }

    /** {@code "http://127.0.0.1:PORT"}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** Apicurio's native API: {@code "http://127.0.0.1:PORT/apis/registry/v3"}. */
    public String registryUrl() {
        return baseUrl() + "/apis/registry/v3";
    }

    /**
     * The Confluent Schema Registry compatible API: {@code
     * "http://127.0.0.1:PORT/apis/ccompat/v7"}.
     */
    public String confluentUrl() {
        return baseUrl() + "/apis/ccompat/v7";
    }

    public int port() {
        return port;
    }

    public Path workDir() {
        return workDir;
    }

    /** The registry's stdout/stderr. */
    public Path logFile() {
        return process.logFile();
    }

    /** The registry JVM (e.g. {@code process().isAlive()}). */
    public ProcessHandle process() {
        return process.handle();
    }

    /** Wall time from {@link #start} to the first 200 from {@code /health/ready}. */
    public Duration startupTime() {
        return startupTime;
    }

    /** Asks the registry to stop; returns at once. {@link #close()} waits. */
    void requestStop() {
        process.requestStop();
    }

    /**
     * Stops the registry (SIGTERM, up to 15 s, then SIGKILL); deletes the work dir if it was a temp
     * dir. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        process.stop();
        if (ownsWorkDir) {
            Locations.deleteRecursively(workDir);
        }
    }

    @Override
    public String toString() {
        return "ApicurioRegistry["
                + baseUrl()
                + ", pid "
                + process.handle().pid()
                + ", "
                + workDir
                + "]";
    }
}
