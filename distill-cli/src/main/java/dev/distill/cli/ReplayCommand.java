package dev.distill.cli;

import dev.distill.cli.support.LibraryLog;
import dev.distill.localstack.ServiceProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Re-runs the trainer over the rollout slice recorded in a checkpoint's lineage and reports whether
 * the SHA-256 matches. Runs the packaged trainer-student service in replay mode (the CLI never
 * imports a service), with the same settings the live trainer had.
 */
@Command(
        name = "replay",
        description = {
            "Replays the round that produced checkpoint VERSION of run RUN and compares the weights"
                    + " hash.",
            "Exit code: 0 match, 3 mismatch, 4 replay impossible (missing event, parent or"
                    + " different config)."
        })
final class ReplayCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--run", required = true)
    String run;

    @Option(names = "--version", required = true)
    long version;

    @Option(names = "--bootstrap-servers", defaultValue = "localhost:9092")
    String bootstrap;

    @Option(names = "--registry-url", defaultValue = "http://localhost:8080/apis/registry/v3")
    String registry;

    @Option(names = "--checkpoint-dir", defaultValue = "runs/checkpoints")
    String checkpointDir;

    @Option(
            names = "--initial-checkpoint",
            required = true,
            description = "the run's student version 0")
    String initial;

    @Option(
            names = "--config",
            description = "the trainer's application.properties of the run (epochs, seed, ...)")
    Path config;

    @Option(
            names = "--set",
            description = "extra trainer setting, e.g. --set distill.trainer.epochs=2")
    Map<String, String> settings = Map.of();

    @Override
    public Integer call() throws IOException, InterruptedException {
        Path home = Path.of(System.getProperty("distill.home", "."));
        ServiceProcess.Builder trainer =
                ServiceProcess.of(home, "trainer-student")
                        .maxHeap(null)
                        .property("kafka.bootstrap.servers", bootstrap)
                        .property("distill.trainer.registry-url", registry)
                        .property("distill.trainer.run-id", run)
                        .property("distill.trainer.checkpoint-dir", checkpointDir)
                        .property("distill.trainer.initial-checkpoint", initial)
                        .property("distill.trainer.replay-version", String.valueOf(version));
        if (config != null) {
            trainer.property("quarkus.config.locations", config.toAbsolutePath().toString());
        }
        trainer.properties(settings);
        Path log = home.resolve("runs").resolve("replay-" + run + "-v" + version + ".log");
        Files.createDirectories(log.getParent());
        ServiceProcess p = trainer.start();
        try (BufferedReader r =
                        new BufferedReader(
                                new InputStreamReader(p.output(), StandardCharsets.UTF_8));
                PrintWriter trainerLog =
                        new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8))) {
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
            spec.commandLine()
                    .getErr()
                    .println("distill replay: the trainer exited with " + rc + "; its log: " + log);
        }
        spec.commandLine().getErr().flush();
        return rc;
    }
}
