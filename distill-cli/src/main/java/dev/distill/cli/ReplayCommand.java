package dev.distill.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Re-runs the trainer over the rollout slice recorded in a checkpoint's lineage and reports whether the
 * SHA-256 matches. Runs the packaged trainer-student service in replay mode (the CLI never imports a
 * service), with the same settings the live trainer had.
 */
@Command(name = "replay",
        description = {"Replays the round that produced checkpoint VERSION of run RUN and compares the weights hash.",
                "Exit code: 0 match, 3 mismatch, 4 replay impossible (missing event, parent or different config)."})
final class ReplayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--run", required = true) String run;
    @Option(names = "--version", required = true) long version;
    @Option(names = "--bootstrap-servers", defaultValue = "localhost:9092") String bootstrap;
    @Option(names = "--registry-url", defaultValue = "http://localhost:8080/apis/registry/v3") String registry;
    @Option(names = "--checkpoint-dir", defaultValue = "runs/checkpoints") String checkpointDir;
    @Option(names = "--initial-checkpoint", required = true, description = "the run's student version 0")
    String initial;
    @Option(names = "--config", description = "the trainer's application.properties of the run (epochs, seed, ...)")
    Path config;
    @Option(names = "--set", description = "extra trainer setting, e.g. --set distill.trainer.epochs=2")
    Map<String, String> settings = Map.of();

    @Override
    public Integer call() throws IOException, InterruptedException {
        Path home = Path.of(System.getProperty("distill.home", "."));
        Path jar = home.resolve("trainer-student/target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the trainer service is not built: " + jar + " is missing (mvn -B package)");
        }
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1",
                "-Dquarkus.http.port=0", "-Dkafka.bootstrap.servers=" + bootstrap,
                "-Ddistill.trainer.registry-url=" + registry, "-Ddistill.trainer.run-id=" + run,
                "-Ddistill.trainer.checkpoint-dir=" + checkpointDir, "-Ddistill.trainer.initial-checkpoint=" + initial,
                "-Ddistill.trainer.replay-version=" + version));
        if (config != null) {
            cmd.add("-Dquarkus.config.locations=" + config.toAbsolutePath());
        }
        settings.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-jar");
        cmd.add(jar.toString());
        Path log = home.resolve("runs").resolve("replay-" + run + "-v" + version + ".log");
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter trainerLog = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                // The verdict goes to stdout; the service's own log lines to the log file (and with
                // --verbose to stderr).
                int at = line.indexOf("replay of v");
                if (at >= 0) {
                    spec.commandLine().getOut().println(line.substring(at));
                }
                trainerLog.println(line);
                if (LibraryLog.verbose()) {
                    spec.commandLine().getErr().println(line);
                }
            }
        }
        spec.commandLine().getOut().flush();
        int rc = p.waitFor();
        if (rc != 0 && rc != 3) {
            spec.commandLine().getErr().println("distill replay: the trainer exited with " + rc + "; its log: " + log);
        }
        spec.commandLine().getErr().flush();
        return rc;
    }
}
