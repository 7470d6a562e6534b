package dev.distill.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.distill.cli.support.LibraryLog;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs a main class of this command line in a fresh JVM, so that what it measures (peak RSS above
 * all) is its own and not inflated by whatever this process did before. The child gets this JVM's
 * heap and GC flags and its DJL/distill system properties (threads, offline), the same classpath
 * and the same environment; its standard error is passed through and its last standard-output line
 * is its result.
 */
final class ChildJvm {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where the child sends library log lines: set when this process sends its own to a file. */
    private static final String LOG = "distill.child-log";

    private ChildJvm() {}

    static JsonNode run(Class<?> main, String... args) throws IOException, InterruptedException {
        List<String> cmd = command(main, args);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out;
        try {
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = p.waitFor();
            if (code != 0) {
                throw new IOException(
                        main.getSimpleName()
                                + " "
                                + String.join(" ", args)
                                + " failed in a child JVM with exit code "
                                + code
                                + " (its standard error is above)");
            }
        } finally {
            p.destroyForcibly(); // no-op after a normal exit; kills the child if we were
            // interrupted
        }
        List<String> lines = out.lines().filter(l -> l.startsWith("{")).toList();
        if (lines.isEmpty()) {
            throw new IOException(
                    main.getSimpleName()
                            + " "
                            + String.join(" ", args)
                            + " printed no JSON result line; its standard output was: "
                            + out.strip());
        }
        return JSON.readTree(lines.get(lines.size() - 1));
    }

    /**
     * Called first in a child's main: library lines go to the file the parent chose, or, when the
     * parent logs to the console (tests, --verbose), to standard error from WARNING up.
     */
    static void configureLogging() {
        String file = System.getProperty(LOG);
        if (file != null) {
            LibraryLog.configure(Path.of(file), false);
        } else {
            Logger.getLogger("").setLevel(Level.WARNING);
        }
    }

    private static List<String> command(Class<?> main, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // JVM flags (-Xmx, -XX:...) carry over; -D flags are re-added from the live properties
            // below (surefire sets them after start-up); a debugger agent would clash over its
            // port.
            if (a.startsWith("-X") && !a.startsWith("-Xrunjdwp")) {
                cmd.add(a);
            }
        }
        for (Map.Entry<Object, Object> e : System.getProperties().entrySet()) {
            String key = e.getKey().toString();
            if (key.startsWith("ai.djl.") || key.startsWith("distill.")) {
                cmd.add("-D" + key + "=" + e.getValue());
            }
        }
        Path log = LibraryLog.file();
        if (log != null && !LibraryLog.verbose()) {
            // Not the parent's file: java.util.logging locks it, and the child would write to
            // distill.log.1.
            cmd.add("-D" + LOG + "=" + log.resolveSibling(main.getSimpleName() + ".log"));
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        return cmd;
    }
}
