package dev.distill.cli.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.ConsoleHandler;
import java.util.logging.FileHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Where the libraries' log lines go: Kafka's clients, DJL, the registry client and the local stack
 * all log through java.util.logging (slf4j is bound to it). They go to a file, so the console
 * carries only the command's own lines; {@code --verbose} copies them to standard error too.
 */
public final class LibraryLog {
    private static final String FORMAT = "%1$tF %1$tT.%1$tL %4$-7s [%3$s] %5$s%6$s%n";
    private static Path file;
    private static boolean verbose;

    private LibraryLog() {}

    /**
     * Sends library logging to {@code logFile} (appending), and to standard error when {@code
     * verbose}.
     */
    public static synchronized void configure(Path logFile, boolean verbose) {
        System.setProperty("java.util.logging.SimpleFormatter.format", FORMAT);
        Logger root = LogManager.getLogManager().getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
            h.close();
        }
        root.setLevel(Level.INFO);
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            FileHandler fh = new FileHandler(logFile.toString(), true);
            fh.setFormatter(new SimpleFormatter());
            fh.setLevel(Level.ALL);
            root.addHandler(fh);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot open the log file " + logFile + ": " + e.getMessage(), e);
        }
        if (verbose) {
            ConsoleHandler console = new ConsoleHandler();
            console.setFormatter(new SimpleFormatter());
            console.setLevel(Level.ALL);
            root.addHandler(console);
        }
        file = logFile;
        LibraryLog.verbose = verbose;
    }

    /**
     * Moves library logging to {@code logFile}, keeping the verbosity (the demo's run directory).
     */
    public static synchronized void moveTo(Path logFile) {
        if (file != null) {
            configure(logFile, verbose());
        }
    }

    /**
     * The current log file, or null when {@link #configure} was never called (tests run in
     * process).
     */
    public static synchronized Path file() {
        return file;
    }

    /** Whether library lines are also shown on standard error ({@code --verbose}). */
    public static synchronized boolean verbose() {
        return verbose;
    }
}
