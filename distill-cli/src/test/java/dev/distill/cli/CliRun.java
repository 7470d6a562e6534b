package dev.distill.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** A command run in-process, as the tests see it: exit code and what it printed. */
record CliRun(int code, String out, String err) {

    /** Runs {@code distill <args>} with the real command line (its error handler included). */
    static CliRun distill(String... args) {
        return execute(Distill.commandLine(), args);
    }

    static CliRun execute(CommandLine cl, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }
}
