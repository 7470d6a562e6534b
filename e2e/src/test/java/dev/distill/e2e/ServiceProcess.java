package dev.distill.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One packaged Quarkus service running as a child process, as users and Kubernetes run it. */
final class ServiceProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("Listening on: http://[^:]+:(\\d+)");
    private final String name;
    private final Path log;
    private final List<String> command;
    private Process process;

    ServiceProcess(String name, Path app, Map<String, String> properties, Path logDir) {
        this.name = name;
        this.log = logDir.resolve(name + ".log");
        this.command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Xmx1g");
        command.add("-Dai.djl.offline=true");
        command.add("-Dai.djl.pytorch.num_threads=1");
        command.add("-Dai.djl.pytorch.num_interop_threads=1");
        command.add("-Dquarkus.http.port=0");
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add(app.toString());
    }

    ServiceProcess start() throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        pb.environment().put("OMP_NUM_THREADS", "1");
        process = pb.start();
        return this;
    }

    /** kill -9: no shutdown hook, no graceful stop, exactly what a node failure does. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /** The service's HTTP address, from Quarkus' start-up line (it listens on a random port). */
    String httpUrl() throws IOException {
        for (String line : Files.readAllLines(log)) {
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                return "http://127.0.0.1:" + m.group(1);
            }
        }
        throw new IllegalStateException(name + " has not reported its HTTP port yet");
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return name + " log:\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return name + " log unreadable: " + e.getMessage();
        }
    }

    /** SIGTERM: the service stops its loop gracefully. */
    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
