package dev.distill.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code distill} command line: every user-facing action of the platform is a subcommand. */
@Command(name = "distill", mixinStandardHelpOptions = true, version = "distill 0.1.0",
        description = "Streamed MiniLLM distillation: teacher -> Kafka -> student.",
        subcommands = {dev.distill.cli.demo.DemoCommand.class, CoreDemoCommand.class, BuildDataCommand.class, TrainTeacherCommand.class, InitStudentCommand.class, GenerateCommand.class, InitModelCommand.class, BenchCommand.class, ReplayCommand.class, BenchPlatformCommand.class, StackCommand.class, RougeCommand.class,
                CommandLine.HelpCommand.class})
public final class Distill {
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, also used by tests to run commands in-process. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Distill());
        // Errors a user can fix are printed as one line, not as a stack trace.
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("distill " + cmd.getCommandName() + ": " + ex.getMessage());
            return 2;
        });
        return cl;
    }
}
