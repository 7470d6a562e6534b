package dev.distill.cli;

import dev.distill.cli.support.LibraryLog;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/** The {@code distill} command line: every user-facing action of the platform is a subcommand. */
@Command(
        name = "distill",
        mixinStandardHelpOptions = true,
        version = "distill 0.1.0",
        description = "Streamed MiniLLM distillation: teacher -> Kafka -> student.",
        subcommands = {
            dev.distill.cli.demo.DemoCommand.class,
            BuildDataCommand.class,
            TrainTeacherCommand.class,
            InitStudentCommand.class,
            GenerateCommand.class,
            ScoreCommand.class,
            ScoreCorpusCommand.class,
            ExperimentCommand.class,
            InitModelCommand.class,
            BenchCommand.class,
            ReplayCommand.class,
            BenchPlatformCommand.class,
            StackCommand.class,
            RegisterSchemasCommand.class,
            RougeCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Distill {
    @Option(
            names = "--verbose",
            scope = ScopeType.INHERIT,
            description =
                    "also show the libraries' log lines (Kafka, DJL, registry) on standard error; "
                            + "they always go to runs/distill.log (the demo: its run directory)")
    boolean verbose;

    public static void main(String[] args) {
        CommandLine cl = commandLine();
        CommandLine.IExecutionStrategy run = cl.getExecutionStrategy();
        cl.setExecutionStrategy(
                parsed -> {
                    LibraryLog.configure(defaultLogFile(), verbose(parsed));
                    return run.execute(parsed);
                });
        System.exit(cl.execute(args));
    }

    private static boolean verbose(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    private static Path defaultLogFile() {
        String home = System.getProperty("distill.home");
        return (home == null
                        ? Path.of(System.getProperty("java.io.tmpdir"))
                        : Path.of(home, "runs"))
                .resolve("distill.log");
    }

    /** The configured command line, also used by tests to run commands in-process. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Distill());
        // Errors a user can fix are printed as one line, not as a stack trace.
        cl.setExecutionExceptionHandler(
                (ex, cmd, parsed) -> {
                    cmd.getErr()
                            .println("distill " + cmd.getCommandName() + ": " + ex.getMessage());
                    return 2;
                });
        return cl;
    }
}
