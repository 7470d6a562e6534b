package dev.distill.localstack;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Starts a {@link LocalStack}, prints its addresses and runs until Ctrl-C (a shutdown hook stops
 * both children).
 *
 * <pre>
 * java -cp ... dev.distill.localstack.LocalStackMain [--work-dir DIR] [--partitions N] [--auto-create-topics]
 * </pre>
 *
 * Without {@code --work-dir} a temp dir is used (and deleted on exit).
 */
public final class LocalStackMain {

    private LocalStackMain() {}

    public static void main(String[] args) throws InterruptedException {
        LocalStack.Options options = LocalStack.Options.defaults();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--work-dir":
                    options.workDir(Paths.get(value(args, ++i)));
                    break;
                case "--partitions":
                    options.numPartitions(Integer.parseInt(value(args, ++i)));
                    break;
                case "--auto-create-topics":
                    options.autoCreateTopics(true);
                    break;
                case "-h":
                case "--help":
                    System.out.println(
                            "usage: LocalStackMain [--work-dir DIR] [--partitions N]"
                                    + " [--auto-create-topics]");
                    return;
                default:
                    System.err.println("unknown argument: " + args[i]);
                    System.exit(2);
            }
        }

        LocalStack stack = LocalStack.start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean();
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    stopping.set(true);
                                    System.out.println("Stopping local stack ...");
                                    stack.close();
                                    stopped.countDown();
                                },
                                "local-stack-main-shutdown"));

        exitIfItDies(stack.kafka().process(), "Kafka broker", stack.kafka().logFile(), stopping);
        exitIfItDies(
                stack.registry().process(),
                "Apicurio Registry",
                stack.registry().logFile(),
                stopping);

        Path dir = stack.workDir();
        System.out.println(
                "Kafka bootstrap servers : "
                        + stack.bootstrapServers()
                        + "   (ready in "
                        + stack.kafka().startupTime().toMillis()
                        + " ms, pid "
                        + stack.kafka().process().pid()
                        + ")");
        System.out.println(
                "Apicurio registry (v3)  : "
                        + stack.registryUrl()
                        + "   (ready in "
                        + stack.registry().startupTime().toMillis()
                        + " ms, pid "
                        + stack.registry().process().pid()
                        + ")");
        System.out.println("Confluent-compatible API: " + stack.confluentUrl());
        System.out.println(
                "Logs                    : "
                        + dir.resolve("kafka/broker.log")
                        + ", "
                        + dir.resolve("registry/registry.log"));
        System.out.println("Press Ctrl-C to stop.");
        System.out.flush();
        stopped.await();
    }

    private static void exitIfItDies(
            ProcessHandle child, String name, Path log, AtomicBoolean stopping) {
        child.onExit()
                .thenRun(
                        () -> {
                            if (!stopping.get()) {
                                System.err.println(
                                        name
                                                + " exited unexpectedly."
                                                + ChildProcess.logTailMessage(log, 30));
                                System.exit(1);
                            }
                        });
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            System.err.println("missing value after " + args[i - 1]);
            System.exit(2);
        }
        return args[i];
    }
}
