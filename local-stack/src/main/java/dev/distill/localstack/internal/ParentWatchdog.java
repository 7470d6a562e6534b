package dev.distill.localstack.internal;

import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;
import java.util.Optional;

/**
 * Not API. Entry point of local-stack's child JVMs: {@code ParentWatchdog <parentPid> <mainClass>
 * args...}. Runs {@code mainClass.main(args)} and exits (running the child's own shutdown hooks,
 * e.g. Kafka's controlled shutdown) as soon as the parent process is gone, so a parent killed with
 * SIGKILL leaves no orphan behind. Self-contained (JDK only, no nested classes): local-stack copies
 * this one class file next to the child.
 */
public final class ParentWatchdog {

    private ParentWatchdog() {}

    public static void main(String[] args) throws Throwable {
        if (args.length < 2) {
            System.err.println("usage: ParentWatchdog <parentPid> <mainClass> [args...]");
            System.exit(2);
        }
        long parentPid = Long.parseLong(args[0]);
        Optional<ProcessHandle> parent = ProcessHandle.of(parentPid);
        if (parent.isEmpty() || !parent.get().isAlive()) {
            System.err.println(
                    "local-stack watchdog: parent process " + parentPid + " is gone; not starting");
            System.exit(3);
        }
        parent.get().onExit().thenRun(() -> exitBecauseParentDied(parentPid));

        Class<?> main = Class.forName(args[1], true, ClassLoader.getSystemClassLoader());
        try {
            main.getMethod("main", String[].class)
                    .invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void exitBecauseParentDied(long parentPid) {
        System.err.println(
                "local-stack watchdog: parent process " + parentPid + " exited; shutting down");
        Thread halt =
                new Thread(
                        () -> {
                            try {
                                Thread.sleep(30_000);
                            } catch (InterruptedException ignored) {
                                // exit anyway
                            }
                            Runtime.getRuntime().halt(1);
                        },
                        "local-stack-watchdog-halt");
        halt.setDaemon(true);
        halt.start();
        new Thread(() -> System.exit(0), "local-stack-watchdog-exit").start();
    }
}
