package dev.distill.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One child JVM: output to a log file, graceful stop, and a JVM-wide shutdown hook so that no child
 * outlives its parent's normal exit. (A parent killed with SIGKILL runs no hook: the child's {@code
 * ParentWatchdog} covers that case.)
 */
final class ChildProcess {

    static final Duration GRACEFUL_STOP = Duration.ofSeconds(15);

    private static final Set<ChildProcess> LIVE = ConcurrentHashMap.newKeySet();
    private static volatile boolean hookInstalled;

    private final String name;
    private final Process process;
    private final Path logFile;
    private volatile boolean stopRequested;

    private ChildProcess(String name, Process process, Path logFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
    }

    /**
     * Starts {@code command} in {@code workingDir}; stdout and stderr are appended to {@code
     * logFile}.
     */
    static ChildProcess start(String name, List<String> command, Path workingDir, Path logFile) {
        return start(name, command, Map.of(), workingDir, logFile);
    }

    /** A credential in a command line, as the log shows it: {@code password=***}. */
    private static final java.util.regex.Pattern SECRET =
            java.util.regex.Pattern.compile("(?i)(password=)[^,\\]\\s\"]+");

    /** The command line for the log, without its passwords. */
    static String redacted(List<String> command) {
        return SECRET.matcher(String.join(" ", command)).replaceAll("$1***");
    }

    /**
     * Starts {@code command} with extra environment variables (where secrets go: a command line is
     * visible to every user of the machine and is logged).
     */
    static ChildProcess start(
            String name,
            List<String> command,
            Map<String, String> environment,
            Path workingDir,
            Path logFile) {
        installShutdownHook();
        try {
            Files.createDirectories(logFile.getParent());
            Files.writeString(
                    logFile,
                    "=== local-stack "
                            + Instant.now()
                            + ": starting "
                            + name
                            + "\n=== "
                            + redacted(command)
                            + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            ProcessBuilder pb =
                    new ProcessBuilder(command)
                            .directory(workingDir.toFile())
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            // Options meant for the caller's own JVMs must not leak into the children.
            pb.environment().remove("JDK_JAVA_OPTIONS");
            pb.environment().remove("JAVA_TOOL_OPTIONS");
            pb.environment().putAll(environment);
            Process p = pb.start();
            p.getOutputStream().close(); // children read nothing from stdin
            ChildProcess child = new ChildProcess(name, p, logFile);
            LIVE.add(child);
            p.onExit().thenRun(() -> LIVE.remove(child));
            return child;
        } catch (IOException e) {
            throw new LocalStackException("cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    /** Runs {@code command} to completion (for short tools such as the Kafka storage formatter). */
    static int run(
            String name, List<String> command, Path workingDir, Path logFile, Duration timeout) {
        ChildProcess child = start(name, command, workingDir, logFile);
        try {
            if (!child.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                child.stop();
                throw new LocalStackException(
                        name
                                + " did not finish within "
                                + timeout.toSeconds()
                                + " s"
                                + child.logTailMessage());
            }
            return child.process.exitValue();
        } catch (InterruptedException e) {
            child.stop();
            Thread.currentThread().interrupt();
            throw new LocalStackException("interrupted while running " + name, e);
        }
    }

    String name() {
        return name;
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    Path logFile() {
        return logFile;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    int exitValue() {
        return process.exitValue();
    }

    /** Asks the child to stop (SIGTERM: the JVM runs its shutdown hooks); non-blocking. */
    void requestStop() {
        if (!stopRequested && process.isAlive()) {
            stopRequested = true;
            process.destroy();
        }
    }

    /** Waits up to the grace period for the child to exit, then kills it. */
    void awaitStop(Instant deadline) {
        try {
            long left = Duration.between(Instant.now(), deadline).toMillis();
            if (left > 0 && process.waitFor(left, TimeUnit.MILLISECONDS)) {
                return;
            }
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            LIVE.remove(this);
        }
    }

    /** Graceful stop: destroy(), wait up to 15 s, then destroyForcibly(). Idempotent. */
    void stop() {
        requestStop();
        awaitStop(Instant.now().plus(GRACEFUL_STOP));
    }

    /** "\nLast lines of LOG:\n..." for exception messages. */
    String logTailMessage() {
        return logTailMessage(logFile, 40);
    }

    static String logTailMessage(Path logFile, int lines) {
        return "\nLast lines of " + logFile + ":\n" + tail(logFile, lines);
    }

    static String tail(Path file, int lines) {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long len = raf.length();
            long from = Math.max(0, len - 64 * 1024);
            byte[] buf = new byte[(int) (len - from)];
            raf.seek(from);
            raf.readFully(buf);
            String[] all = new String(buf, StandardCharsets.UTF_8).split("\r?\n");
            List<String> out = new ArrayList<>();
            for (int i = Math.max(0, all.length - lines); i < all.length; i++) {
                out.add("  | " + all[i]);
            }
            return String.join("\n", out);
        } catch (IOException e) {
            return "  (log not readable: " + e + ")";
        }
    }

    static boolean logContains(Path file, String... needles) {
        String tail = tail(file, 400);
        for (String n : needles) {
            if (tail.contains(n)) {
                return true;
            }
        }
        return false;
    }

    /** Copies a resource to a file (used for the watchdog class). */
    static void copyResource(String resource, Path target) throws IOException {
        try (InputStream in = ChildProcess.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("resource not found: " + resource);
            }
            Files.createDirectories(target.getParent());
            Files.write(target, in.readAllBytes());
        }
    }

    private static void installShutdownHook() {
        if (hookInstalled) {
            return;
        }
        synchronized (ChildProcess.class) {
            if (hookInstalled) {
                return;
            }
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(ChildProcess::stopAllLive, "local-stack-shutdown"));
            hookInstalled = true;
        }
    }

    private static void stopAllLive() {
        List<ChildProcess> children = new ArrayList<>(LIVE);
        children.forEach(ChildProcess::requestStop);
        Instant deadline = Instant.now().plus(GRACEFUL_STOP);
        children.forEach(c -> c.awaitStop(deadline));
    }
}
