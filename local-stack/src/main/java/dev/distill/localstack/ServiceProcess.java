package dev.distill.localstack;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One packaged service (its Quarkus app) running as a child process, as users and Kubernetes run
 * it. The one launcher of the project: the CLI's demo, bench and replay and the end-to-end tests
 * start services through it, so their flags cannot drift apart; nothing outside a service ever
 * loads its classes.
 */
public final class ServiceProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("Listening on: http://[^:]+:(\\d+)");

    private final String module;
    private final Path log;
    private final Process process;

    private ServiceProcess(String module, Path log, Process process) {
        this.module = module;
        this.log = log;
        this.process = process;
    }

    /**
     * The packaged app of {@code module} under the project root, or a clear error if it is not
     * built.
     */
    public static Path app(Path projectRoot, String module) {
        Path jar = projectRoot.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    module + " is not built: " + jar + " is missing (mvn -B package -DskipTests)");
        }
        return jar;
    }

    /**
     * Starts building the launch of {@code module} (e.g. "trainer-student") found under {@code
     * projectRoot}.
     */
    public static Builder of(Path projectRoot, String module) {
        return new Builder(projectRoot, module);
    }

    /** How to start one service. */
    public static final class Builder {
        private final Path root;
        private final String module;
        private final Map<String, String> properties = new LinkedHashMap<>();
        private String maxHeap = "1g";
        private Path log;

        private Builder(Path root, String module) {
            this.root = root;
            this.module = module;
        }

        /** A system property of the service (its configuration, e.g. distill.trainer.epochs). */
        public Builder property(String key, String value) {
            properties.put(key, value);
            return this;
        }

        public Builder properties(Map<String, String> values) {
            properties.putAll(values);
            return this;
        }

        /** The JVM's -Xmx (default 1g), or null for the JVM's own default. */
        public Builder maxHeap(String value) {
            maxHeap = value;
            return this;
        }

        /** Appends the service's output to this file; without it, {@link #output()} reads it. */
        public Builder log(Path file) {
            log = file;
            return this;
        }

        /** The command line, for logs and tests. */
        public List<String> command() {
            List<String> cmd = new ArrayList<>();
            cmd.add(ProcessHandle.current().info().command().orElse("java"));
            if (maxHeap != null) {
                cmd.add("-Xmx" + maxHeap);
            }
            // One engine thread and no downloads, as everywhere in the project; a random HTTP port
            // so that any number of services share a machine (the port is read back from the log).
            cmd.addAll(
                    List.of(
                            "-Dai.djl.offline=true",
                            "-Dai.djl.pytorch.num_threads=1",
                            "-Dai.djl.pytorch.num_interop_threads=1",
                            "-Dquarkus.http.port=0"));
            properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
            // Through the same watchdog as the broker and the registry: a service whose parent (the
            // demo, a test) is killed exits instead of retrying against a stack that is gone.
            Path app = app(root, module);
            cmd.add("-cp");
            cmd.add(Locations.watchdogClasses(app.getParent()) + File.pathSeparator + app);
            cmd.add(Locations.WATCHDOG_MAIN);
            cmd.add(String.valueOf(ProcessHandle.current().pid()));
            cmd.add(Locations.mainClassOf(app));
            return cmd;
        }

        public ServiceProcess start() throws IOException {
            ProcessBuilder pb = new ProcessBuilder(command()).redirectErrorStream(true);
            if (log != null) {
                Files.createDirectories(log.toAbsolutePath().getParent());
                pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            }
            // OpenMP's default busy-waiting makes PyTorch several times slower on two shared cores.
            pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
            pb.environment().put("OMP_NUM_THREADS", "1");
            return new ServiceProcess(module, log, pb.start());
        }
    }

    /** The service's output when it was started without a log file. */
    public InputStream output() {
        if (log != null) {
            throw new IllegalStateException(module + " writes its output to " + log);
        }
        return process.getInputStream();
    }

    /** The service's operating-system process id. */
    public long pid() {
        return process.pid();
    }

    /** Whether the process is still running (a service that exited on its own has failed). */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the process to end by itself and returns its exit code. */
    public int waitFor() throws InterruptedException {
        return process.waitFor();
    }

    /** kill -9: no shutdown hook, no graceful stop, exactly what a node failure does. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /**
     * The service's HTTP address, from Quarkus' start-up line in the log (it listens on a random
     * port). The last such line: a restarted service appends to the log of the one before.
     */
    public String httpUrl() throws IOException {
        String port = null;
        for (String line : Files.readAllLines(requireLog())) {
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                port = m.group(1);
            }
        }
        if (port == null) {
            throw new IllegalStateException(module + " has not reported its HTTP port yet");
        }
        return "http://127.0.0.1:" + port;
    }

    /**
     * The last {@code lines} lines of the log, headed by the module's name, for failure messages.
     */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(requireLog());
            return module
                    + " log:\n"
                    + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | IllegalStateException e) {
            return module + " log unreadable: " + e.getMessage();
        }
    }

    private Path requireLog() {
        if (log == null) {
            throw new IllegalStateException(module + " was started without a log file");
        }
        return log;
    }

    /** SIGTERM, so the service stops its loop gracefully; forced after a minute. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
